package io.fleetscaler.benchmarks.api;

import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What a load run measured.
 *
 * @param clients concurrent clients
 * @param measured the measured span
 * @param cycles completed reserve+acquire+release cycles in it
 * @param errors calls that failed in it
 * @param p50Micros median cycle latency, microseconds
 * @param p99Micros 99th percentile cycle latency, microseconds
 * @param maxMicros slowest cycle, microseconds
 * @param startToReady from starting the daemon process to {@code /readyz} 200; null in-process
 * @param rssKiB the daemon's resident set after the run, KiB; -1 when not a subprocess
 * @param peakRssKiB its peak resident set, KiB; -1 when not a subprocess
 */
record LoadReport(
    int clients,
    Duration measured,
    long cycles,
    long errors,
    long p50Micros,
    long p99Micros,
    long maxMicros,
    @Nullable Duration startToReady,
    long rssKiB,
    long peakRssKiB) {

  double cyclesPerSecond() {
    return cycles / (measured.toNanos() / 1e9);
  }

  String format() {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "clients %d, measured %.1f s: %d cycles = %.0f cycles/s, %d errors%n",
            clients,
            measured.toNanos() / 1e9,
            cycles,
            cyclesPerSecond(),
            errors));
    s.append(
        String.format(
            Locale.ROOT,
            "cycle latency: p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
            p50Micros / 1e3,
            p99Micros / 1e3,
            maxMicros / 1e3));
    if (startToReady != null) {
      s.append(
          String.format(
              Locale.ROOT,
              "daemon: start to ready %.2f s, RSS %d MiB (peak %d MiB)%n",
              startToReady.toNanos() / 1e9,
              rssKiB / 1024,
              peakRssKiB / 1024));
    }
    return s.toString();
  }
}
