package io.fleetscaler.daemon.ha;

/** What a node of a high-availability set does now. */
public enum Role {
  /** Holds the election's lease: runs the scalers, calls the plugins, serves acquisitions. */
  LEADER,
  /** Keeps its config loaded and watches the leader key, ready to take over. */
  STANDBY
}
