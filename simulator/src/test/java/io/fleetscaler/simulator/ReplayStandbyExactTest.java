package io.fleetscaler.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.simulated.SimulatedOptions.Latency;
import io.fleetscaler.simulator.trace.JobTrace;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tiny traces with a standby pool, worked out by hand: capacity 1, max_use_count 1, idle_count 0
 * (not preemptive), standby_count 1; boot 30 s, suspend 5 s, resume 10 s, deletion 5 s; a suspended
 * hour at 0.05 of a running one. The loop steps at once, then every 60 s, or every 2 s while an
 * instance boots, resumes, is being suspended or deleted, or an acquisition waits. At t=0 the
 * pool's deficit creates A, up at 30: the step at 30 suspends it (suspending 30-35, counted idle:
 * it still runs), suspended from 35, seen at the step at 36; the next steps are at 96 and 156.
 */
class ReplayStandbyExactTest {

  private static final double SECOND = 1.0 / 3600;

  private static Scenario scenario() {
    Scenario s =
        Scenario.of(
                "standby",
                b ->
                    b.capacityPerInstance(1)
                        .maxUseCount(1)
                        .policies(
                            java.util.List.of(
                                Policy.of(0)
                                    .withIdleTime(Duration.ofMinutes(20))
                                    .withStandby(1, Duration.ZERO))))
            .withBoot(Latency.fixed(Duration.ofSeconds(30)))
            .withResume(Latency.fixed(Duration.ofSeconds(10)))
            .withStandbyCost(0.05);
    return s.withCloud(s.cloud().withSuspendLatency(Latency.fixed(Duration.ofSeconds(5))));
  }

  private static SimulationResult replay(String trace) throws IOException {
    return Simulation.run(
        scenario(), JobTrace.read("hand.csv", new StringReader(trace)), new ArrayList<>()::add);
  }

  /**
   * Job 1 (t=100, 10 s) resumes A and the pool asks for B at once; A runs at 110, taken in by the
   * 2-second step at 110: wait 10. The step at 120 retires A (max use; deleting 120-125). B is up
   * at 130 and suspended (suspending 130-135). Job 2 (t=200) resumes B (wait 10) and the pool asks
   * for C, still booting when job 2 ends at 220 and the replay stops.
   */
  @Test
  void eachJobWaitsOneResumeAndThePoolRefillsBehind() throws IOException {
    SimulationResult r = replay("100,10\n200,10\n");

    assertThat(r.waits().jobs()).isEqualTo(2);
    assertThat(r.waits().mean()).isCloseTo(10, within(1e-9));
    assertThat(r.waits().max()).isEqualTo(10);
    // A: booting 0-30 and 100-110, idle (suspending) 30-35, suspended 35-100, busy 110-120,
    // deleting 120-125. B: booting 100-130 and 200-210, suspending 130-135, suspended 135-200,
    // busy 210-220. C: booting 200-220.
    assertThat(r.hours().booting()).isCloseTo(100 * SECOND, within(1e-12));
    assertThat(r.hours().idle()).isCloseTo(10 * SECOND, within(1e-12));
    assertThat(r.hours().busy()).isCloseTo(20 * SECOND, within(1e-12));
    assertThat(r.hours().deleting()).isCloseTo(5 * SECOND, within(1e-12));
    assertThat(r.hours().total()).isCloseTo(135 * SECOND, within(1e-12));
    assertThat(r.hours().suspended()).isCloseTo(130 * SECOND, within(1e-12));
    assertThat(r.hours().costEquivalent()).isCloseTo((135 + 0.05 * 130) * SECOND, within(1e-12));
    assertThat(r.creations()).isEqualTo(3);
    assertThat(r.deletions()).isEqualTo(Map.of("max_use", 2L));
    assertThat(r.peakInstances()).isEqualTo(2);
  }

  /**
   * Two jobs at t=100 and a pool of one: job 1 resumes A (wait 10); the pool asks for B, and job 2,
   * finding nothing left to resume, for C. B and C are up at 130: the first serves job 2 (wait 30),
   * the other refills the pool (suspending 130-135, suspended from 135). Job 2 ends at 140 and its
   * release retires its instance at once (a deletion counted, but no deleting hours: the replay
   * stops there).
   */
  @Test
  void aBurstBeyondThePoolBootsTheRest() throws IOException {
    SimulationResult r = replay("100,10\n100,10\n");

    assertThat(r.waits().mean()).isCloseTo(20, within(1e-9));
    assertThat(r.waits().max()).isEqualTo(30);
    // A: booting 0-30 and 100-110, suspending 30-35, suspended 35-100, busy 110-120, deleting
    // 120-125. B: booting 100-130, busy 130-140. C: booting 100-130, suspending 130-135,
    // suspended 135-140.
    assertThat(r.hours().booting()).isCloseTo(100 * SECOND, within(1e-12));
    assertThat(r.hours().idle()).isCloseTo(10 * SECOND, within(1e-12));
    assertThat(r.hours().busy()).isCloseTo(20 * SECOND, within(1e-12));
    assertThat(r.hours().deleting()).isCloseTo(5 * SECOND, within(1e-12));
    assertThat(r.hours().suspended()).isCloseTo(70 * SECOND, within(1e-12));
    assertThat(r.creations()).isEqualTo(3);
    assertThat(r.deletions()).isEqualTo(Map.of("max_use", 2L));
    assertThat(r.peakInstances()).isEqualTo(3);
  }
}
