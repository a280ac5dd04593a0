package io.fleetscaler.simulator;

/**
 * How long jobs waited between arriving and starting on a slot, in seconds. Percentiles are
 * nearest-rank over every started job, exact (no bucketing).
 *
 * @param jobs jobs that started
 * @param waited how many of them waited at all
 * @param mean the mean wait
 * @param p50 the median wait
 * @param p95 the 95th percentile
 * @param p99 the 99th percentile
 * @param max the longest wait
 */
public record WaitStats(
    long jobs, long waited, double mean, double p50, double p95, double p99, double max) {

  /** The share of started jobs that waited at all, 0 when none started. */
  public double shareWaited() {
    return jobs == 0 ? 0 : (double) waited / jobs;
  }
}
