package io.fleetscaler.core.planner;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One known instance as the planner sees it.
 *
 * @param id the cloud's id
 * @param phase where it stands
 * @param held slots reserved or acquired on it (0 unless it is in the allocator)
 * @param claims claims charged against {@code max_use_count} so far
 * @param exhausted true when {@code max_use_count} is reached: it takes no new work
 * @param readyAt when it became ready, null if it has not
 * @param lastReleasedAt when a slot on it was last released, null if never
 * @param drainReason why it was drained, null unless {@link InstancePhase#DRAINING}
 */
public record InstanceInfo(
    String id,
    InstancePhase phase,
    int held,
    int claims,
    boolean exhausted,
    @Nullable Instant readyAt,
    @Nullable Instant lastReleasedAt,
    @Nullable DeletionReason drainReason) {

  public InstanceInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(phase, "phase");
    if (held < 0 || claims < 0) {
      throw new IllegalArgumentException(
          "held and claims must be >= 0, got held=" + held + " claims=" + claims);
    }
  }

  /** A ready instance holding nothing, never used. */
  public static InstanceInfo ready(String id, Instant readyAt) {
    return new InstanceInfo(id, InstancePhase.READY, 0, 0, false, readyAt, null, null);
  }

  /** An instance in {@code phase} that is not in the allocator. */
  public static InstanceInfo outside(String id, InstancePhase phase) {
    return new InstanceInfo(id, phase, 0, 0, false, null, null, null);
  }

  /** The same instance holding {@code value} slots. */
  public InstanceInfo withHeld(int value) {
    return new InstanceInfo(
        id, phase, value, claims, exhausted, readyAt, lastReleasedAt, drainReason);
  }

  /**
   * The start of its current idle spell: the last release, else becoming ready; null if it never
   * became ready.
   */
  public @Nullable Instant idleSince() {
    return lastReleasedAt != null ? lastReleasedAt : readyAt;
  }
}
