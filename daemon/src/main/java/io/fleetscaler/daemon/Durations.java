package io.fleetscaler.daemon;

import java.time.Duration;

/** Durations as an operator writes them in the file: {@code 1h30m}, {@code 20m}, {@code 2s}. */
final class Durations {
  private Durations() {}

  static String human(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    if (d.toNanosPart() % 1_000_000 != 0 || d.toMillis() < 1_000 || d.toMillisPart() != 0) {
      return d.toMillis() + "ms";
    }
    StringBuilder s = new StringBuilder();
    if (d.toHours() > 0) {
      s.append(d.toHours()).append('h');
    }
    if (d.toMinutesPart() > 0) {
      s.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0) {
      s.append(d.toSecondsPart()).append('s');
    }
    return s.toString();
  }
}
