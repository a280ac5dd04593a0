package io.fleetscaler.simulator;

import java.time.Instant;

/**
 * One minute of the replay: arrivals counted, everything else averaged over the minute (the last
 * one may be shorter).
 *
 * @param minute the minute's index from the trace's start, from 0
 * @param start the wall-clock start of the minute
 * @param arrivals jobs that arrived during the minute
 * @param waiting jobs that had arrived and not started
 * @param running jobs running on a slot
 * @param booting instances requested and not yet in service
 * @param idle instances in service with no job
 * @param busy instances in service with a job
 * @param deleting instances being deleted
 */
public record MinuteSample(
    long minute,
    Instant start,
    long arrivals,
    double waiting,
    double running,
    double booting,
    double idle,
    double busy,
    double deleting) {

  /** Jobs in the system: waiting plus running. */
  public double demand() {
    return waiting + running;
  }

  /** Instances in any state. */
  public double instances() {
    return booting + idle + busy + deleting;
  }
}
