package io.fleetscaler.core.planner;

/**
 * Where an instance the provisioner knows of stands. Instances requested but not yet listed by the
 * cloud have no id and are counted in {@link FleetSnapshot#requested()} instead; deleted ones are
 * gone from the snapshot.
 */
public enum InstancePhase {
  /** Listed by the cloud as {@code creating}. Counts as future capacity. */
  CREATING,
  /** Listed as {@code running}, not yet taking work. Counts as future capacity. */
  RUNNING,
  /** Taking work: its slots are in the allocator. */
  READY,
  /** In the allocator but failing health checks: takes no new work. */
  UNHEALTHY,
  /** Takes no new work and is deleted once its held slots are released. */
  DRAINING,
  /** Deletion requested or under way in the cloud. Not capacity; counts toward the maximum. */
  DELETING,
  /** The cloud gave up on it. Not capacity; deleted in the cloud. */
  TIMEOUT,
  /** Listed by the cloud but not created by this scaler and unknown to it: deleted for safety. */
  PREEXISTING,
  /**
   * In the standby pool: readied once, never used, then suspended (or being suspended). Not
   * capacity; counts toward the maximum.
   */
  SUSPENDED,
  /** Taken from the standby pool and being resumed. Counts as future capacity, like creating. */
  RESUMING
}
