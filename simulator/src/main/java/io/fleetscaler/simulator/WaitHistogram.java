package io.fleetscaler.simulator;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Exact counts of every distinct wait, so percentiles are exact while memory grows with the number
 * of distinct waits (bounded by the longest wait's milliseconds), not with the number of jobs.
 */
final class WaitHistogram {
  private final Map<Long, long[]> counts = new HashMap<>();
  private long jobs;
  private long waited;
  private long sumNanos;

  void record(long waitNanos) {
    counts.computeIfAbsent(waitNanos, k -> new long[1])[0]++;
    jobs++;
    if (waitNanos > 0) {
      waited++;
    }
    sumNanos += waitNanos;
  }

  WaitStats stats() {
    if (jobs == 0) {
      return new WaitStats(0, 0, 0, 0, 0, 0, 0);
    }
    long[][] sorted = new long[counts.size()][];
    int i = 0;
    for (Map.Entry<Long, long[]> e : counts.entrySet()) {
      sorted[i++] = new long[] {e.getKey(), e.getValue()[0]};
    }
    Arrays.sort(sorted, (a, b) -> Long.compare(a[0], b[0]));
    return new WaitStats(
        jobs,
        waited,
        sumNanos / 1e9 / jobs,
        seconds(percentile(sorted, 0.50)),
        seconds(percentile(sorted, 0.95)),
        seconds(percentile(sorted, 0.99)),
        seconds(sorted[sorted.length - 1][0]));
  }

  /**
   * Nearest rank: the smallest wait at or below which at least {@code q} of the jobs lie. {@code
   * sorted} holds (wait, count) pairs by wait.
   */
  private long percentile(long[][] sorted, double q) {
    long rank = Math.max(1, (long) Math.ceil(q * jobs));
    long seen = 0;
    for (long[] pair : sorted) {
      seen += pair[1];
      if (seen >= rank) {
        return pair[0];
      }
    }
    return sorted[sorted.length - 1][0];
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
