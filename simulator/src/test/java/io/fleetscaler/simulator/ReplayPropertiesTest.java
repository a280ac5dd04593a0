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
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Invariants of any replay, determinism, and failure injection. */
class ReplayPropertiesTest {

  /** A random trace of {@code jobs} jobs: bursts and gaps, durations from 0 to 15 minutes. */
  static String randomTrace(long seed, int jobs) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder out = new StringBuilder(JobTrace.HEADER).append('\n');
    long t = 0;
    for (int i = 0; i < jobs; i++) {
      if (random.nextInt(4) != 0) {
        t += random.nextInt(400);
      }
      out.append(t).append(',').append(random.nextInt(900)).append('\n');
    }
    return out.toString();
  }

  static SimulationResult replay(Scenario scenario, String trace, List<MinuteSample> minutes)
      throws IOException {
    return Simulation.run(scenario, JobTrace.read("random", new StringReader(trace)), minutes::add);
  }

  static long jobSeconds(String trace) {
    long sum = 0;
    for (String line : trace.lines().toList()) {
      if (!line.startsWith("arrival")) {
        sum += Long.parseLong(line.substring(line.indexOf(',') + 1));
      }
    }
    return sum;
  }

  @Property(tries = 40)
  void everyJobRunsAndInstanceTimeAddsUp(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 60) int jobs,
      @ForAll @IntRange(min = 0, max = 4) int idleCount,
      @ForAll @IntRange(min = 1, max = 3) int capacity,
      @ForAll boolean preemptive,
      @ForAll @IntRange(min = 0, max = 2) int maxUse)
      throws IOException {
    Scenario scenario =
        Scenario.of(
                "p",
                b ->
                    b.capacityPerInstance(capacity)
                        .maxUseCount(maxUse)
                        .maxInstances(200)
                        .policies(
                            List.of(
                                Policy.of(idleCount)
                                    // Preemptive with no idle target never starts a job: below.
                                    .withPreemptiveMode(preemptive && idleCount > 0))))
            .withBoot(new Latency(Duration.ofSeconds(20), Duration.ofSeconds(40)))
            .withSeed(seed);
    String trace = randomTrace(seed, jobs);
    List<MinuteSample> minutes = new ArrayList<>();
    SimulationResult r = replay(scenario, trace, minutes);

    assertThat(r.jobs()).isEqualTo(jobs);
    assertThat(r.timedOut()).isZero();
    assertThat(r.waits().jobs()).isEqualTo(jobs);
    assertThat(r.waits().p50()).isBetween(0.0, r.waits().max());
    InstanceHours h = r.hours();
    assertThat(h.busy() + h.idle() + h.booting() + h.deleting()).isCloseTo(h.total(), within(1e-9));
    double jobHours = jobSeconds(trace) / 3600.0;
    // A busy instance runs at least one job and at most its capacity.
    assertThat(h.busy()).isLessThanOrEqualTo(jobHours + 1e-9);
    assertThat(h.busy() * capacity).isGreaterThanOrEqualTo(jobHours - 1e-9);
    // The minutes integrate to the totals. Each sample is a mean over its minute, and the last
    // minute is partial but summed here as a whole one: off by at most its mean busy level (at most
    // the peak instance count) for at most one minute.
    double minuteHours = minutes.stream().mapToDouble(m -> m.busy()).sum() / 60;
    assertThat(minuteHours)
        .isCloseTo(h.busy(), within(Math.max(1, r.peakInstances()) / 60.0 + 1e-9));
    assertThat(minutes.stream().mapToLong(MinuteSample::arrivals).sum()).isEqualTo(jobs);
    assertThat(r.peakInstances()).isLessThanOrEqualTo(200);
  }

  private static Scenario noisy(long seed) {
    Scenario s =
        Scenario.of(
                "noisy",
                b -> b.capacityPerInstance(2).maxInstances(50).policies(List.of(Policy.of(2))))
            .withBoot(new Latency(Duration.ofSeconds(30), Duration.ofSeconds(60)))
            .withSeed(seed);
    return s.withCloud(s.cloud().withBootFailureProbability(0.1).withLossRatePerHour(0.5));
  }

  @Test
  void sameSeedSameResultOtherSeedOtherResult() throws IOException {
    String trace = randomTrace(99, 400);
    List<MinuteSample> m1 = new ArrayList<>();
    List<MinuteSample> m2 = new ArrayList<>();
    List<MinuteSample> m3 = new ArrayList<>();
    SimulationResult a = replay(noisy(7), trace, m1);
    SimulationResult b = replay(noisy(7), trace, m2);
    SimulationResult c = replay(noisy(8), trace, m3);
    assertThat(withoutWallTime(a)).isEqualTo(withoutWallTime(b));
    assertThat(m1).isEqualTo(m2);
    assertThat(withoutWallTime(a)).isNotEqualTo(withoutWallTime(c));
    // The failures really were injected.
    assertThat(a.deletions()).containsKey("timeout");
    assertThat(a.vanished()).isPositive();
    assertThat(a.interrupted()).isPositive();
  }

  private static SimulationResult withoutWallTime(SimulationResult r) {
    return new SimulationResult(
        r.scenario(),
        r.jobs(),
        r.timedOut(),
        r.interrupted(),
        r.waits(),
        r.hours(),
        r.peakInstances(),
        r.creations(),
        r.deletions(),
        r.vanished(),
        r.notScaled(),
        r.simulated(),
        Duration.ZERO,
        r.events());
  }

  @Test
  void preemptiveModeWithoutIdleTargetNeverStartsAJob() throws IOException {
    // Reservations need a ready idle slot, and with idle_count 0 the scaler never makes one: the
    // configuration deadlocks, as taskscaler's would. The replay shows it instead of hanging.
    Scenario scenario =
        Scenario.of("stuck", b -> b.policies(List.of(Policy.of(0).withPreemptiveMode(true))))
            .withAcquireTimeout(Duration.ofHours(1));
    SimulationResult r = replay(scenario, "0,10\n30,10\n", new ArrayList<>());
    assertThat(r.timedOut()).isEqualTo(2);
    assertThat(r.creations()).isZero();
  }

  @Test
  void jobsThatCannotGetASlotTimeOutAndTheReplayEnds() throws IOException {
    Scenario scenario =
        Scenario.of("broken", b -> b.maxInstances(2).policies(List.of(Policy.of(1))))
            .withAcquireTimeout(Duration.ofMinutes(10));
    scenario = scenario.withCloud(scenario.cloud().withBootFailureProbability(1));
    SimulationResult r = replay(scenario, "0,10\n5,10\n600,10\n", new ArrayList<>());
    assertThat(r.timedOut()).isEqualTo(3);
    assertThat(r.waits().jobs()).isZero();
    assertThat(r.simulated()).isEqualTo(Duration.ofMinutes(20));
  }
}
