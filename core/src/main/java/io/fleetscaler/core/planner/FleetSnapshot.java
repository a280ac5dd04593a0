package io.fleetscaler.core.planner;

import java.util.List;
import java.util.Objects;

/**
 * What the planner decides from: every known instance and the demand not placed on any.
 *
 * @param instances every instance with an id that is not yet deleted
 * @param requested instances asked of the cloud that no update has listed yet
 * @param pending acquisitions waiting for a slot
 * @param shuttingDown true when the scaler shuts down and deletes its instances
 */
public record FleetSnapshot(
    List<InstanceInfo> instances, int requested, long pending, boolean shuttingDown) {

  public FleetSnapshot {
    Objects.requireNonNull(instances, "instances");
    instances = List.copyOf(instances);
    if (requested < 0 || pending < 0) {
      throw new IllegalArgumentException(
          "requested and pending must be >= 0, got requested=" + requested + " pending=" + pending);
    }
  }

  /** A fleet of {@code instances} with nothing requested or pending. */
  public static FleetSnapshot of(List<InstanceInfo> instances) {
    return new FleetSnapshot(instances, 0, 0, false);
  }

  /** The same fleet with {@code value} acquisitions pending. */
  public FleetSnapshot withPending(long value) {
    return new FleetSnapshot(instances, requested, value, shuttingDown);
  }

  /** The same fleet with {@code value} instances requested and not yet listed. */
  public FleetSnapshot withRequested(int value) {
    return new FleetSnapshot(instances, value, pending, shuttingDown);
  }
}
