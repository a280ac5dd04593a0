package io.fleetscaler.core.scaler;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The standby pool as operators see it.
 *
 * @param count members suspended or being suspended
 * @param resuming members taken out and resuming
 * @param target the pool size the active policy asks for now (sized from demand when it says so), 0
 *     when the plugin cannot suspend
 * @param oldestSince when the oldest member entered the pool (its age counts from there; from the
 *     adoption after a restart), null when it is empty
 */
public record StandbyStatus(int count, int resuming, int target, @Nullable Instant oldestSince) {

  /** No pool. */
  public static final StandbyStatus NONE = new StandbyStatus(0, 0, 0, null);

  public StandbyStatus {
    if (count < 0 || resuming < 0 || target < 0) {
      throw new IllegalArgumentException(
          "counts must be >= 0, got count="
              + count
              + " resuming="
              + resuming
              + " target="
              + target);
    }
  }
}
