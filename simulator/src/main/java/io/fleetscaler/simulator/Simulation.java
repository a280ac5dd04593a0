package io.fleetscaler.simulator;

import io.fleetscaler.simulator.trace.JobTrace;
import java.io.IOException;

/** Replays traces. */
public interface Simulation {

  /**
   * Replays {@code trace} against {@code scenario}, streaming it (memory does not grow with its
   * length) and giving each simulated minute to {@code minutes}. Deterministic: the same trace and
   * scenario (including the seed) give the same result apart from {@link
   * SimulationResult#wallTime()}. Single-threaded; separate calls may run in parallel.
   *
   * @throws io.fleetscaler.simulator.trace.TraceException at the first bad trace line
   * @throws IllegalArgumentException if the scenario's scaler options are invalid
   * @throws IOException if reading the trace or {@code minutes} fails
   */
  static SimulationResult run(Scenario scenario, JobTrace trace, MinuteListener minutes)
      throws IOException {
    return new Replay(scenario, trace, minutes).run();
  }
}
