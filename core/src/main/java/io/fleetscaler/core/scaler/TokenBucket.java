package io.fleetscaler.core.scaler;

import java.time.Duration;
import java.time.Instant;

/**
 * The {@code scale_throttle}: instance creations refill at {@code limit} per second up to {@code
 * burst}. Not thread-safe; used under the control lock.
 */
final class TokenBucket {
  private final double perSecond;
  private final double burst;
  private double tokens;
  private Instant refilledAt;

  /**
   * @param perSecond refill rate, negative for unlimited
   * @param burst bucket size, at least 1
   */
  TokenBucket(double perSecond, int burst, Instant now) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.tokens = burst;
    this.refilledAt = now;
  }

  /** Takes up to {@code wanted} whole tokens and returns how many were taken. */
  int take(int wanted, Instant now) {
    if (perSecond < 0) {
      return wanted;
    }
    if (now.isAfter(refilledAt)) {
      double seconds = Duration.between(refilledAt, now).toNanos() / 1e9;
      tokens = Math.min(burst, tokens + seconds * perSecond);
      refilledAt = now;
    }
    int taken = (int) Math.min(wanted, Math.floor(tokens));
    tokens -= taken;
    return taken;
  }
}
