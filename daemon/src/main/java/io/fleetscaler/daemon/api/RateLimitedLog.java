package io.fleetscaler.daemon.api;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A log line that hostile input can trigger at will, written at most once per interval: the first
 * occurrence is logged with how many were suppressed since the last line, the rest are counted.
 */
final class RateLimitedLog {
  private final System.Logger log;
  private final long intervalMillis;
  private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  RateLimitedLog(System.Logger log, long intervalMillis) {
    this.log = log;
    this.intervalMillis = intervalMillis;
  }

  /** Logs {@code message} unless a line went out less than the interval ago. */
  void log(Level level, String message) {
    long now = System.nanoTime() / 1_000_000;
    long allowed = nextAllowed.get();
    if (now < allowed || !nextAllowed.compareAndSet(allowed, now + intervalMillis)) {
      suppressed.incrementAndGet();
      return;
    }
    long skipped = suppressed.getAndSet(0);
    log.log(
        level,
        skipped == 0
            ? message
            : message + " (" + skipped + " more like it since the last such line)");
  }
}
