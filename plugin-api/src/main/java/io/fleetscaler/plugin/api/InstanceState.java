package io.fleetscaler.plugin.api;

/** The state of one instance as its cloud reports it; the wire names are fleeting's. */
public enum InstanceState {
  /** Requested or booting; not usable yet. */
  CREATING("creating"),
  /** Running as far as the cloud knows; the scaler may run readiness checks on it. */
  RUNNING("running"),
  /** Being deleted or stopped for good. */
  DELETING("deleting"),
  /** Gone. Reported once by plugins that can see deletions complete; absence means the same. */
  DELETED("deleted"),
  /** The cloud gave up on it (boot failure, error state). The scaler deletes it in the cloud. */
  TIMEOUT("timeout"),
  /** Being suspended (stopped without deletion). */
  SUSPENDING("suspending"),
  /** Suspended: exists, costs storage, runs nothing. */
  SUSPENDED("suspended"),
  /** Resuming from suspension. */
  RESUMING("resuming");

  private final String wireName;

  InstanceState(String wireName) {
    this.wireName = wireName;
  }

  /** The lower-case name used on the wire, in logs and in metric labels. */
  public String wireName() {
    return wireName;
  }
}
