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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tiny traces whose every wait and instance-second was worked out by hand from the documented
 * behaviour: the loop steps at once, then every {@code update_interval} (60 s) or every 2 s while
 * instances boot or acquisitions wait; every event (a slot reserved, acquired or released, an
 * acquisition that must wait) makes the scaler plan at once, as the daemon's loop does within
 * milliseconds; an instance booted in the cloud enters service at the next loop step.
 */
class ReplayExactTest {

  private static final double SECOND = 1.0 / 3600;

  private static SimulationResult replay(Scenario scenario, String trace, List<MinuteSample> out)
      throws IOException {
    return Simulation.run(scenario, JobTrace.read("hand.csv", new StringReader(trace)), out::add);
  }

  /**
   * idle_count 0 (so not preemptive), capacity 1, boot 61 s, deletion 5 s. Job 1 (t=0, 100 s) and
   * job 2 (t=10, 50 s) each make the scaler create an instance at once: A at 0 is up at 61 and in
   * service at the 2-second step 62; B at 10 is up at 71, in service at 72. Job 3 (t=130, 10 s)
   * finds B idle since 122 and starts at once. The replay ends when job 1 ends at 162.
   */
  @Test
  void demandDrivenScalingWaitsOneBootPlusTheNextLoopStep() throws IOException {
    Scenario scenario =
        Scenario.of("on-demand", b -> b.capacityPerInstance(1).policies(List.of(Policy.of(0))))
            .withBoot(Latency.fixed(Duration.ofSeconds(61)));
    List<MinuteSample> minutes = new ArrayList<>();
    SimulationResult r =
        replay(scenario, "arrival_seconds,duration_seconds\n0,100\n10,50\n130,10\n", minutes);

    assertThat(r.jobs()).isEqualTo(3);
    assertThat(r.timedOut()).isZero();
    // Waits 62, 62, 0.
    assertThat(r.waits().jobs()).isEqualTo(3);
    assertThat(r.waits().waited()).isEqualTo(2);
    assertThat(r.waits().mean()).isCloseTo(124.0 / 3, within(1e-9));
    assertThat(r.waits().p50()).isEqualTo(62);
    assertThat(r.waits().p95()).isEqualTo(62);
    assertThat(r.waits().max()).isEqualTo(62);
    assertThat(r.waits().shareWaited()).isCloseTo(2.0 / 3, within(1e-9));
    // A: booting 0-62, busy 62-162. B: booting 10-72, busy 72-122 and 130-140, idle 122-130 and
    // 140-162.
    assertThat(r.hours().booting()).isCloseTo(124 * SECOND, within(1e-12));
    assertThat(r.hours().busy()).isCloseTo(160 * SECOND, within(1e-12));
    assertThat(r.hours().idle()).isCloseTo(30 * SECOND, within(1e-12));
    assertThat(r.hours().deleting()).isZero();
    assertThat(r.hours().total()).isCloseTo(314 * SECOND, within(1e-12));
    assertThat(r.peakInstances()).isEqualTo(2);
    assertThat(r.creations()).isEqualTo(2);
    assertThat(r.deletions()).isEmpty();
    assertThat(r.simulated()).isEqualTo(Duration.ofSeconds(162));

    // Minute 0: 2 arrivals; minute 1 (60-120 s): job 1 waits until 62, job 2 until 72.
    assertThat(minutes).hasSize(3);
    assertThat(minutes.get(0).arrivals()).isEqualTo(2);
    assertThat(minutes.get(0).waiting()).isCloseTo((60 + 50) / 60.0, within(1e-9));
    assertThat(minutes.get(1).waiting()).isCloseTo((2 + 12) / 60.0, within(1e-9));
    assertThat(minutes.get(1).running()).isCloseTo((58 + 48) / 60.0, within(1e-9));
    assertThat(minutes.get(2).arrivals()).isEqualTo(1);
    assertThat(minutes.get(2).start()).isEqualTo(scenario.start().plusSeconds(120));
  }

  /**
   * GitLab's example shape: capacity 1, max_use_count 1, idle_count 1 (so preemptive), boot 30 s,
   * deletion instant. The first step at 0 asks for A; polled every 2 s, it is in service at 30 and
   * idle until job 1 reserves it at 100, which plans at once: B is asked for at 100. Job 2 (also
   * t=100) is refused a reservation and stays queued until B is in service at the 2-second step at
   * 130; its reservation asks for C. Each release is A's, B's last use: deleted at once, at 110 and
   * 140. Job 3 (t=200) takes C, idle since 160, and asks for D; C goes at 205, when the replay
   * ends.
   */
  @Test
  void preemptivePoolServesOnlyFromReadyIdleSlots() throws IOException {
    Scenario scenario =
        Scenario.of(
                "pool",
                b ->
                    b.capacityPerInstance(1)
                        .maxUseCount(1)
                        .policies(List.of(Policy.of(1).withIdleTime(Duration.ofMinutes(20)))))
            .withBoot(Latency.fixed(Duration.ofSeconds(30)));
    scenario = scenario.withCloud(scenario.cloud().withDeleteLatency(Latency.fixed(Duration.ZERO)));
    SimulationResult r = replay(scenario, "100,10\n100,10\n200,5\n", new ArrayList<>());

    // Waits 0, 30, 0.
    assertThat(r.waits().mean()).isCloseTo(10, within(1e-9));
    assertThat(r.waits().max()).isEqualTo(30);
    assertThat(r.waits().p50()).isZero();
    assertThat(r.waits().waited()).isEqualTo(1);
    // A: booting 0-30, idle 30-100, busy 100-110. B: booting 100-130, busy 130-140. C: booting
    // 130-160, idle 160-200, busy 200-205. D: booting 200-205.
    assertThat(r.hours().booting()).isCloseTo(95 * SECOND, within(1e-12));
    assertThat(r.hours().busy()).isCloseTo(25 * SECOND, within(1e-12));
    assertThat(r.hours().idle()).isCloseTo(110 * SECOND, within(1e-12));
    assertThat(r.hours().deleting()).isZero();
    assertThat(r.hours().total()).isCloseTo(230 * SECOND, within(1e-12));
    assertThat(r.creations()).isEqualTo(4);
    assertThat(r.deletions()).isEqualTo(Map.of("max_use", 3L));
    assertThat(r.peakInstances()).isEqualTo(2);
  }
}
