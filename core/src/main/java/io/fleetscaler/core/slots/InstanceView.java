package io.fleetscaler.core.slots;

/**
 * One instance as the provisioner sees it.
 *
 * @param instanceId the provider's id
 * @param state the allocator's view of it
 * @param held slots reserved or acquired on it
 * @param claims slot claims charged against {@code max_use_count} (reservations plus acquisitions,
 *     minus unreserved ones); 0 when uses are unlimited
 * @param completedUses releases counted on it
 * @param lastActivityNanos ticker value when it last became empty (or was added): the start of its
 *     idle time when {@code held == 0}
 * @param exhausted true when {@code max_use_count} is set and fully claimed: it takes no new work
 */
public record InstanceView(
    String instanceId,
    State state,
    int held,
    int claims,
    long completedUses,
    long lastActivityNanos,
    boolean exhausted) {

  /** The allocator's states of a live instance. */
  public enum State {
    READY,
    DRAINING,
    UNHEALTHY
  }

  /** Empty and never to take work again: the provisioner may delete it. */
  public boolean deletable() {
    return held == 0 && (exhausted || state == State.DRAINING);
  }
}
