package io.fleetscaler.core.scaler;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.slots.SlotAllocator;
import io.fleetscaler.core.slots.SlotCounts;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What readers see of the scaler without waiting: snapshots, wait reasons and the figures the
 * gauges read. The provisioner's side is published under the control lock (instance counts at the
 * end of every section, a full picture at each tick once someone reads snapshots); slot counts,
 * waiting demand and the policy are read fresh.
 *
 * <p>Thread-safe: {@link #snapshot}, {@link #waitReasons}, {@link #instancesByState} and {@link
 * #tasksByState} never wait (a snapshot takes the lock only when it is free); the {@code ...Locked}
 * methods and {@link #publish} run under the control lock.
 */
final class SnapshotViews {
  private final ControlLock control;
  private final Provisioner provisioner;
  private final SlotAllocator allocator;
  private final Actuator actuator;
  private final WaitingDemand demand;
  private final WaitExplainer why;
  private final InstantSource clock;
  private final Supplier<Policy> policy;
  private final StandbyPool standby;
  private final BooleanSupplier shutDown;

  // Published for lock-free readers (metrics, snapshots taken while the lock is busy).
  private volatile Map<String, Integer> instancesByState = Map.of();
  private volatile ScalerSnapshot lastSnapshot;
  // Someone reads snapshots: each tick then refreshes the one served while the lock is busy.
  private volatile boolean snapshotsRead;

  SnapshotViews(
      ControlLock control,
      Provisioner provisioner,
      SlotAllocator allocator,
      Actuator actuator,
      WaitingDemand demand,
      WaitExplainer why,
      InstantSource clock,
      Supplier<Policy> policy,
      StandbyPool standby,
      BooleanSupplier shutDown) {
    this.control = control;
    this.provisioner = provisioner;
    this.allocator = allocator;
    this.actuator = actuator;
    this.demand = demand;
    this.why = why;
    this.clock = clock;
    this.policy = policy;
    this.standby = standby;
    this.shutDown = shutDown;
    this.lastSnapshot =
        new ScalerSnapshot(
            List.of(), 0, Map.of(), allocator.counts(), 0, 0, policy.get(), List.of());
  }

  /** Publishes the instance counts for lock-free readers. Under control. */
  void publish() {
    instancesByState = provisioner.countsByState();
  }

  /** Instance counts by state as last published. Lock-free. */
  Map<String, Integer> instancesByState() {
    return instancesByState;
  }

  /** See {@link TaskScaler#snapshot()} and {@link EngineTaskScaler#snapshot()}. */
  ScalerSnapshot snapshot() {
    snapshotsRead = true;
    ScalerSnapshot taken = control.tryWithControl(this::snapshotLocked);
    if (taken != null) {
      return taken;
    }
    ScalerSnapshot last = lastSnapshot;
    return new ScalerSnapshot(
        last.instances(),
        last.requested(),
        instancesByState,
        allocator.counts(),
        demand.waiting(),
        demand.pendingReservations(),
        policy.get(),
        last.recentDecisions(),
        last.standby());
  }

  /** At the end of a tick: refreshes the picture served while the lock is busy, if one is read. */
  void refreshLocked() {
    if (snapshotsRead) {
      snapshotLocked();
    }
  }

  /** Takes a picture under control and keeps it for readers that find the lock busy. */
  private ScalerSnapshot snapshotLocked() {
    ScalerSnapshot taken =
        new ScalerSnapshot(
            provisioner.fleet(demand.waiting(), false).instances(),
            provisioner.requestedCount(),
            provisioner.countsByState(),
            allocator.counts(),
            demand.waiting(),
            demand.pendingReservations(),
            policy.get(),
            actuator.decisions(),
            standby.status());
    lastSnapshot = taken;
    return taken;
  }

  /** See {@link TaskScaler#waitReasons()}. */
  WaitReasons waitReasons() {
    SlotCounts c = allocator.counts();
    return why.explain(
        clock.instant(),
        policy.get(),
        c,
        demand.waiting(),
        demand.pendingReservations(),
        instancesByState,
        shutDown.getAsBoolean());
  }

  /** Slot counts by state name, pending demand included, for the tasks gauge. Lock-free. */
  Map<String, Long> tasksByState() {
    SlotCounts c = allocator.counts();
    return Map.of(
        "idle", c.idle(),
        "pending", (long) demand.waiting() + demand.pendingReservations(),
        "reserved", c.reserved(),
        "acquired", c.acquired(),
        "unavailable", c.unavailable(),
        "unhealthy", c.unhealthy());
  }
}
