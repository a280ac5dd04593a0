package io.fleetscaler.core.scaler;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Why jobs of a group wait, now: every reason that holds capacity back, with its figures, and the
 * instances on their way. Taken without waiting for the scaler's lock or the cloud (see {@link
 * TaskScaler#waitReasons()}).
 *
 * @param at when it was taken (the scaler's clock)
 * @param pendingAcquisitions acquisitions waiting for a slot
 * @param pendingReservations reservations accepted without a ready slot
 * @param reasons the reasons that hold, in {@link BlockingReason.Kind} order; empty when nothing
 *     holds capacity back
 * @param booting instances on their way, the soonest expected first (at most {@link #MAX_BOOTING})
 */
public record WaitReasons(
    Instant at,
    int pendingAcquisitions,
    int pendingReservations,
    List<BlockingReason> reasons,
    List<BootingInstance> booting) {

  /** The most booting instances listed; {@link BlockingReason.Kind#BOOTING}'s count has all. */
  public static final int MAX_BOOTING = 20;

  public WaitReasons {
    Objects.requireNonNull(at, "at");
    reasons = List.copyOf(reasons);
    booting = List.copyOf(booting);
  }

  /** Whether {@code kind} holds. */
  public boolean holds(BlockingReason.Kind kind) {
    return reasons.stream().anyMatch(r -> r.kind() == kind);
  }

  /**
   * One line naming each reason with its detail, e.g. for a timed-out acquisition's message; "no
   * blocking reason known" when none holds.
   */
  public String summary() {
    if (reasons.isEmpty()) {
      return "no blocking reason known";
    }
    return reasons.stream()
        .map(r -> r.kind().label() + " (" + r.detail() + ")")
        .collect(Collectors.joining("; "));
  }
}
