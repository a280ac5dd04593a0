package io.fleetscaler.simulator;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What one replay measured.
 *
 * @param scenario the scenario's name
 * @param jobs jobs read from the trace
 * @param timedOut jobs dropped after waiting {@link Scenario#acquireTimeout()} without a slot
 * @param interrupted jobs whose instance was lost while they ran
 * @param waits how long the started jobs waited
 * @param hours instance-hours by activity
 * @param peakInstances the most instances in any state at once
 * @param creations instances the cloud accepted to create
 * @param deletions deletions the scaler started, by reason ({@code idle_time}, {@code max_use},
 *     {@code timeout}...), zero counts left out
 * @param vanished instances the cloud lost or deleted by itself
 * @param notScaled planning steps that wanted more instances than they got, by reason ({@code
 *     max_instances}, {@code throttled}, {@code backoff}...), zero counts left out
 * @param simulated virtual time from the trace's start to the last job's end
 * @param wallTime how long the replay took on this machine
 * @param events events processed: arrivals, job ends, loop steps and cloud-side changes
 */
public record SimulationResult(
    String scenario,
    long jobs,
    long timedOut,
    long interrupted,
    WaitStats waits,
    InstanceHours hours,
    int peakInstances,
    long creations,
    Map<String, Long> deletions,
    long vanished,
    Map<String, Long> notScaled,
    Duration simulated,
    Duration wallTime,
    long events) {

  public SimulationResult {
    Objects.requireNonNull(scenario, "scenario");
    deletions = Map.copyOf(deletions);
    notScaled = Map.copyOf(notScaled);
  }

  /** Events per second of wall time. */
  public double eventsPerSecond() {
    double seconds = wallTime.toNanos() / 1e9;
    return seconds == 0 ? 0 : events / seconds;
  }
}
