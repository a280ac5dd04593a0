package io.fleetscaler.core.scaler;

/** What {@link TaskScaler#reserve} did. */
public enum ReserveResult {
  /** A ready slot is now reserved for the key. */
  RESERVED,
  /**
   * No ready slot was free, but the fleet can still grow ({@code preemptive_mode} off): the
   * reservation is accepted and is placed on a slot when one becomes ready. Acquiring it waits for
   * that slot and makes the scaler create instances if needed.
   */
  ACCEPTED_PENDING,
  /** Nothing reserved: no ready idle slot (preemptive mode), or the fleet's maximum is taken. */
  NO_CAPACITY,
  /** The key already holds or awaits a slot; nothing changed. */
  ALREADY_HELD
}
