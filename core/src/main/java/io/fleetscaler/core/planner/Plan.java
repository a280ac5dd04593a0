package io.fleetscaler.core.planner;

import java.util.List;
import java.util.Objects;

/**
 * What the planner decided, with the figures it decided from.
 *
 * @param create instances to request, at least 0
 * @param deletions instances to delete, each at most once, none holding a slot
 * @param demand slots wanted: acquired + pending + unavailable + max(idle target, reserved)
 * @param idleTarget idle slots the active policy asks for
 * @param capacityInstances instances counted as capacity after the deletions (booting ones
 *     included, requested ones included)
 * @param desired instances wanted: {@code capacityInstances + create}
 * @param limitedByMax true when {@code max_instances} cut {@code create} below what demand asks
 */
public record Plan(
    int create,
    List<Deletion> deletions,
    long demand,
    long idleTarget,
    int capacityInstances,
    int desired,
    boolean limitedByMax) {

  public Plan {
    Objects.requireNonNull(deletions, "deletions");
    deletions = List.copyOf(deletions);
    if (create < 0) {
      throw new IllegalArgumentException("create must be >= 0, got " + create);
    }
  }

  /** Whether the plan changes nothing. */
  public boolean isEmpty() {
    return create == 0 && deletions.isEmpty();
  }
}
