package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.Deletion;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One planning step that changed something or was kept from doing so, for {@link
 * ScalerSnapshot#recentDecisions()}.
 *
 * @param at when
 * @param requested instances the plan asked for
 * @param created instances the plugin accepted
 * @param deletions instances deleted, with reasons
 * @param demand slots wanted
 * @param desired instances wanted
 * @param notScaledBecause why fewer were created than planned ({@code throttled}, {@code
 *     max_instances}, {@code backoff}, {@code quota}, {@code provider_error}), empty if not
 */
public record Decision(
    Instant at,
    int requested,
    int created,
    List<Deletion> deletions,
    long demand,
    int desired,
    String notScaledBecause) {
  public Decision {
    Objects.requireNonNull(at, "at");
    deletions = List.copyOf(deletions);
    Objects.requireNonNull(notScaledBecause, "notScaledBecause");
  }
}
