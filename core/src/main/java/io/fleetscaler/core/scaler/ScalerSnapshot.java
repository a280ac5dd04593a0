package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.InstanceInfo;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.slots.SlotCounts;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A consistent-enough picture of the scaler for operators and tests; taken under the control lock,
 * while request threads keep running.
 *
 * @param instances every known instance with its phase, held slots and idle data
 * @param requested instances asked of the cloud and not listed yet
 * @param instancesByState instance counts by fleeting's state names ({@code requested}, {@code
 *     creating}, {@code running}, {@code ready}, {@code draining}, {@code deleting}, {@code
 *     timeout}, ...)
 * @param slots the allocator's slot counts
 * @param pendingAcquisitions acquisitions waiting for a slot
 * @param pendingReservations reservations accepted without a ready slot
 * @param activePolicy the policy in force
 * @param recentDecisions the last planning steps that did or wanted to do something, oldest first
 * @param standby the standby pool
 */
public record ScalerSnapshot(
    List<InstanceInfo> instances,
    int requested,
    Map<String, Integer> instancesByState,
    SlotCounts slots,
    int pendingAcquisitions,
    int pendingReservations,
    Policy activePolicy,
    List<Decision> recentDecisions,
    StandbyStatus standby) {
  public ScalerSnapshot {
    Objects.requireNonNull(standby, "standby");
    instances = List.copyOf(instances);
    instancesByState = Map.copyOf(instancesByState);
    recentDecisions = List.copyOf(recentDecisions);
  }

  /** A snapshot of a scaler without a standby pool. */
  public ScalerSnapshot(
      List<InstanceInfo> instances,
      int requested,
      Map<String, Integer> instancesByState,
      SlotCounts slots,
      int pendingAcquisitions,
      int pendingReservations,
      Policy activePolicy,
      List<Decision> recentDecisions) {
    this(
        instances,
        requested,
        instancesByState,
        slots,
        pendingAcquisitions,
        pendingReservations,
        activePolicy,
        recentDecisions,
        StandbyStatus.NONE);
  }
}
