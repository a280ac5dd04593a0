package io.fleetscaler.plugin.simulated;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when told to, for deterministic tests of anything that reads an {@link
 * InstantSource}. Thread-safe: readers always see the latest {@link #advance} or {@link #set}.
 */
public final class ManualClock implements InstantSource {

  /** An arbitrary fixed starting point, so that tests do not depend on the wall clock. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private final AtomicReference<Instant> now;

  /** A clock standing at {@link #DEFAULT_START}. */
  public ManualClock() {
    this(DEFAULT_START);
  }

  /** A clock standing at {@code start}. */
  public ManualClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  /**
   * Moves the clock forward.
   *
   * @throws IllegalArgumentException if {@code step} is negative
   * @return the new time
   */
  public Instant advance(Duration step) {
    if (step.isNegative()) {
      throw new IllegalArgumentException("a clock only moves forward; step was " + step);
    }
    return now.updateAndGet(t -> t.plus(step));
  }

  /**
   * Sets the clock to {@code instant}, which must not be earlier than now.
   *
   * @throws IllegalArgumentException if {@code instant} is in the past of this clock
   */
  public void set(Instant instant) {
    now.updateAndGet(
        t -> {
          if (instant.isBefore(t)) {
            throw new IllegalArgumentException(
                "a clock only moves forward; " + instant + " is before " + t);
          }
          return instant;
        });
  }

  @Override
  public String toString() {
    return "ManualClock[" + now.get() + "]";
  }
}
