package io.fleetscaler.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fleetscaler.core.policy.DemandSizing;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.simulated.SimulatedOptions.Latency;
import io.fleetscaler.simulator.trace.JobTrace;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tiny trace with a pool and an idle target read from a short memory ({@code idle_window}),
 * worked out by hand: capacity 1, max_use_count 1, idle_count 0 (not preemptive), standby_count 3,
 * {@code idle_lead} 60 s; boot 30 s, suspend 5 s, resume 10 s, deletion 5 s. The pool is full
 * (three members suspended since 35) long before the first job.
 */
class ReplayShortMemoryExactTest {

  private static Scenario scenario(Duration idleWindow) {
    Scenario s =
        Scenario.of(
                "short memory",
                b ->
                    b.capacityPerInstance(1)
                        .maxUseCount(1)
                        .policies(
                            List.of(
                                Policy.of(0)
                                    .withIdleTime(Duration.ofMinutes(20))
                                    .withStandby(3, Duration.ZERO)
                                    .withDemand(
                                        new DemandSizing(
                                            Duration.ofSeconds(60),
                                            0,
                                            Duration.ofMinutes(30),
                                            idleWindow)))))
            .withBoot(Latency.fixed(Duration.ofSeconds(30)))
            .withResume(Latency.fixed(Duration.ofSeconds(10)))
            .withStandbyCost(0.05);
    return s.withCloud(s.cloud().withSuspendLatency(Latency.fixed(Duration.ofSeconds(5))));
  }

  private static SimulationResult replay(Duration idleWindow, String trace) throws IOException {
    return Simulation.run(
        scenario(idleWindow),
        JobTrace.read("hand.csv", new StringReader(trace)),
        new ArrayList<>()::add);
  }

  /**
   * Job 1 arrives at 100: it resumes member A, and the idle target, 1 (one arrival, decayed by
   * nothing yet, times 60 s over 60 s), resumes B beside it. Job 2 arrives at 105 and takes B,
   * resuming for 5 s already: both run at 110, so job 1 waits 10 s and job 2 only 5 s.
   */
  @Test
  void aFollowerTakesTheInstanceResumedAfterTheFirstArrival() throws IOException {
    SimulationResult r = replay(Duration.ofMinutes(1), "100,10\n105,10\n");
    assertThat(r.waits().jobs()).isEqualTo(2);
    assertThat(r.waits().max()).isEqualTo(10);
    assertThat(r.waits().mean()).isCloseTo(7.5, within(1e-9));
  }

  /**
   * With the 30-minute mean instead (1 job in 1,800 s, times 60 s: 0.03, rounds to 0), nothing is
   * resumed ahead: job 2 resumes its own member at 105, running at 115 and taken in by the loop's
   * 2-second step at 116 (steps at 100, 102, ... while instances resume): it waits 11 s.
   */
  @Test
  void theWindowsMeanResumesNothingAhead() throws IOException {
    SimulationResult r = replay(Duration.ZERO, "100,10\n105,10\n");
    assertThat(r.waits().jobs()).isEqualTo(2);
    assertThat(r.waits().max()).isEqualTo(11);
    assertThat(r.waits().mean()).isCloseTo(10.5, within(1e-9));
  }
}
