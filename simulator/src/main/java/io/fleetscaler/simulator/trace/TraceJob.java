package io.fleetscaler.simulator.trace;

/**
 * One job of a trace.
 *
 * @param line the line of the trace it was read from, from 1
 * @param arrivalMillis when it arrives, in milliseconds after the trace's start, at least 0
 * @param durationMillis how long it runs once it has a slot, in milliseconds, at least 0
 */
public record TraceJob(long line, long arrivalMillis, long durationMillis) {
  public TraceJob {
    if (arrivalMillis < 0 || durationMillis < 0) {
      throw new IllegalArgumentException(
          "arrival and duration must be >= 0, got arrival="
              + arrivalMillis
              + "ms duration="
              + durationMillis
              + "ms");
    }
  }
}
