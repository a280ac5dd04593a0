package io.fleetscaler.core.planner;

/** Why the planner deletes an instance; the label value of the deletions metric. */
public enum DeletionReason {
  /** Idle longer than {@code idle_time} and not needed for the idle target or demand. */
  IDLE_TIME("idle_time"),
  /** Served {@code max_use_count} claims. */
  MAX_USE("max_use"),
  /** Failed its health checks. */
  UNHEALTHY("unhealthy"),
  /** Its {@code instance_ready_command} failed or timed out: it never took work. */
  READINESS("readiness"),
  /** The cloud reported {@code timeout}: deleted in the cloud, not merely forgotten. */
  TIMEOUT("timeout"),
  /** The scaler is shutting down with deletion of its instances. */
  SHUTDOWN("shutdown"),
  /** More instances exist than {@code max_instances} allows. */
  OVER_MAX("over_max"),
  /**
   * Found in the cloud at start-up without any record of its use: removed for safety. A start-up
   * verdict only: never given to an instance that appears later.
   */
  PREEXISTING("preexisting"),
  /**
   * Appeared after start-up while no request of the scaler's was open (neither granted and not yet
   * listed, nor ambiguous after a lost answer): the cloud launched it on its own, as an Auto
   * Scaling replacement does. The scaler never asked for it, so it is deleted.
   */
  REPLACEMENT("replacement"),
  /**
   * Adopted after a restart with acquisitions while {@code keep_instance_with_acquisitions} is off:
   * deleted once they are released.
   */
  RESTORED("restored"),
  /** Suspended in the standby pool longer than {@code standby_max_age}: replaced by a fresh one. */
  STANDBY_EXPIRED("standby_expired"),
  /** More suspended instances than the active policy's {@code standby_count}. */
  STANDBY_SURPLUS("standby_surplus"),
  /** Taken from the standby pool, its resume was refused, failed or never finished. */
  RESUME_FAILED("resume_failed");

  private final String label;

  DeletionReason(String label) {
    this.label = label;
  }

  /**
   * The reason with {@code label}.
   *
   * @throws IllegalArgumentException if no reason has that label
   */
  public static DeletionReason ofLabel(String label) {
    for (DeletionReason r : values()) {
      if (r.label.equals(label)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown deletion reason: " + label);
  }

  /** The lower-case name used in metrics and logs. */
  public String label() {
    return label;
  }
}
