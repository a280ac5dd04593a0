package io.fleetscaler.core.scaler;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * Jittered exponential backoff after provider errors: the n-th consecutive failure waits a uniform
 * draw in {@code [d/2, d]} with {@code d = min(max, base * 2^(n-1))}, so many scalers hitting one
 * quota do not retry in lockstep. Not thread-safe; used under the control lock.
 */
final class Backoff {
  static final Duration BASE = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofMinutes(5);

  private final RandomGenerator random;
  private int failures;
  private Instant until = Instant.MIN;

  Backoff(RandomGenerator random) {
    this.random = random;
  }

  boolean active(Instant now) {
    return now.isBefore(until);
  }

  /** When the current wait ends ({@link Instant#MIN} when none was drawn since a success). */
  Instant until() {
    return until;
  }

  /** Records a failure at {@code now} and returns the wait before the next attempt. */
  Duration fail(Instant now) {
    failures = Math.min(failures + 1, 30);
    long ceiling = Math.min(MAX.toMillis(), BASE.toMillis() << Math.min(failures - 1, 20));
    long wait = ceiling / 2 + random.nextLong(ceiling / 2 + 1);
    Duration d = Duration.ofMillis(wait);
    until = now.plus(d);
    return d;
  }

  /** Records a success: the next failure starts from the base again. */
  void succeed() {
    failures = 0;
    until = Instant.MIN;
  }
}
