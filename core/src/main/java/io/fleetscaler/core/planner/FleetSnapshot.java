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
 * @param reserved how many of the instances' held slots are reserved rather than acquired
 * @param unsettled instances an increase whose answer was lost may still bring, once that ambiguity
 *     no longer counts as coming capacity: they count toward {@code max_instances} only (while it
 *     still counts as capacity, it is part of {@code requested})
 */
public record FleetSnapshot(
    List<InstanceInfo> instances,
    int requested,
    long pending,
    boolean shuttingDown,
    long reserved,
    int unsettled) {

  public FleetSnapshot {
    Objects.requireNonNull(instances, "instances");
    instances = List.copyOf(instances);
    if (requested < 0 || pending < 0 || reserved < 0 || unsettled < 0) {
      throw new IllegalArgumentException(
          "requested, pending, reserved and unsettled must be >= 0, got requested="
              + requested
              + " pending="
              + pending
              + " reserved="
              + reserved
              + " unsettled="
              + unsettled);
    }
  }

  /** A fleet with no unsettled ambiguity. */
  public FleetSnapshot(
      List<InstanceInfo> instances,
      int requested,
      long pending,
      boolean shuttingDown,
      long reserved) {
    this(instances, requested, pending, shuttingDown, reserved, 0);
  }

  /** A fleet with no reserved slots (every held slot is acquired). */
  public FleetSnapshot(
      List<InstanceInfo> instances, int requested, long pending, boolean shuttingDown) {
    this(instances, requested, pending, shuttingDown, 0);
  }

  /** A fleet of {@code instances} with nothing requested or pending. */
  public static FleetSnapshot of(List<InstanceInfo> instances) {
    return new FleetSnapshot(instances, 0, 0, false);
  }

  /** The same fleet with {@code value} acquisitions pending. */
  public FleetSnapshot withPending(long value) {
    return new FleetSnapshot(instances, requested, value, shuttingDown, reserved, unsettled);
  }

  /** The same fleet with {@code value} instances requested and not yet listed. */
  public FleetSnapshot withRequested(int value) {
    return new FleetSnapshot(instances, value, pending, shuttingDown, reserved, unsettled);
  }

  /** The same fleet with {@code value} of its held slots reserved rather than acquired. */
  public FleetSnapshot withReserved(long value) {
    return new FleetSnapshot(instances, requested, pending, shuttingDown, value, unsettled);
  }

  /** The same fleet with {@code value} unsettled instances counted toward the maximum only. */
  public FleetSnapshot withUnsettled(int value) {
    return new FleetSnapshot(instances, requested, pending, shuttingDown, reserved, value);
  }
}
