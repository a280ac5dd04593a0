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
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * With one VM per job (capacity 1, {@code max_use_count} 1) and no idle pool, no scaler can spend
 * less than the physical limit: every job's duration, plus one boot per job (the VM cannot exist
 * later than its job's arrival asks for it), plus one deletion per job (the VM cannot go before its
 * job ends). Computed exactly for a small random trace, the engine must come within 1 % of it, and
 * the only excess allowed is the wait for the loop step that takes a booted VM into service, at
 * most one {@code update_interval_when_expecting} (2 s) per job: nothing idles, nothing is made
 * twice, nothing is deleted late.
 */
class PhysicalLimitTest {
  private static final int JOBS = 400;
  private static final long BOOT = 60;
  private static final long DELETE = 5;
  private static final long POLL = 2;

  private record Job(long arrival, long duration) {}

  /**
   * Arrivals 0–90 s apart (some at once), durations 20 s to 15 min: a seeded, integral trace. The
   * last job outlasts every other by 10 s, so each other deletion (5 s, starting at most 2 s late)
   * ends within the replay, which stops at the last job's end.
   */
  private static List<Job> trace(long seed) {
    Random random = new Random(seed);
    List<Job> jobs = new ArrayList<>();
    long t = 0;
    long lastEnd = 0;
    for (int i = 0; i < JOBS - 1; i++) {
      t += random.nextInt(4) == 0 ? 0 : random.nextInt(91);
      Job job = new Job(t, 20 + random.nextInt(881));
      jobs.add(job);
      lastEnd = Math.max(lastEnd, job.arrival() + job.duration());
    }
    jobs.add(new Job(t, Math.max(20, lastEnd - t + 10)));
    return jobs;
  }

  /** One VM per job, no idle pool, boot 60 s, deletion 5 s, at most {@code maxInstances}. */
  private static SimulationResult replay(List<Job> jobs, int maxInstances) throws IOException {
    StringBuilder csv = new StringBuilder("arrival_seconds,duration_seconds\n");
    jobs.forEach(j -> csv.append(j.arrival()).append(',').append(j.duration()).append('\n'));
    Scenario scenario =
        Scenario.of(
                "limit",
                b ->
                    b.capacityPerInstance(1)
                        .maxUseCount(1)
                        .maxInstances(maxInstances)
                        .updateInterval(Duration.ofMinutes(1))
                        .updateIntervalWhenExpecting(Duration.ofSeconds(POLL))
                        .policies(List.of(Policy.of(0).withIdleTime(Duration.ofMinutes(20)))))
            .withBoot(Latency.fixed(Duration.ofSeconds(BOOT)));
    scenario =
        scenario.withCloud(
            scenario.cloud().withDeleteLatency(Latency.fixed(Duration.ofSeconds(DELETE))));
    return Simulation.run(
        scenario, JobTrace.read("limit.csv", new StringReader(csv.toString())), m -> {});
  }

  @Test
  void idleCountZeroReachesTheSumOfJobsBootsAndDeletionsWithinOnePercent() throws IOException {
    List<Job> jobs = trace(14);

    SimulationResult r = replay(jobs, 1000);

    // The replay ends with the last job: its own deletion starts at that instant and adds nothing.
    long busy = jobs.stream().mapToLong(Job::duration).sum();
    long deleting = (JOBS - 1) * DELETE;
    double second = 1.0 / 3600;
    double limit = (busy + JOBS * BOOT + deleting) * second;

    assertThat(r.jobs()).isEqualTo(JOBS);
    assertThat(r.creations()).isEqualTo(JOBS);
    assertThat(r.deletions()).isEqualTo(Map.of("max_use", (long) JOBS));
    assertThat(r.hours().busy()).isCloseTo(busy * second, within(1e-9));
    assertThat(r.hours().idle()).isZero();
    // Booting: the boot itself, then at most one 2-second step until the loop takes it in.
    assertThat(r.hours().booting()).isBetween(JOBS * BOOT * second, JOBS * (BOOT + POLL) * second);
    assertThat(r.waits().max()).isBetween((double) BOOT, (double) BOOT + POLL);
    // Every deletion starts when its job ends: the release deletes the VM, not the next step.
    assertThat(r.hours().deleting()).isCloseTo(deleting * second, within(1e-9));
    assertThat(r.hours().total()).isGreaterThanOrEqualTo(limit - 1e-9);
    assertThat(r.hours().total()).isLessThanOrEqualTo(limit * 1.01);
  }

  /**
   * At the maximum the queue waits, but every VM still serves exactly one job: a VM retired by
   * {@code max_use_count} counts toward the maximum until it is gone, so no plan creates one that
   * the next would delete for {@code over_max} (which once made 1,015 VMs for these 400 jobs).
   */
  @Test
  void atTheMaximumEveryCreatedInstanceServesAJob() throws IOException {
    SimulationResult r = replay(trace(14), 10);

    assertThat(r.jobs()).isEqualTo(JOBS);
    assertThat(r.timedOut()).isZero();
    assertThat(r.peakInstances()).isLessThanOrEqualTo(10);
    assertThat(r.creations()).isEqualTo(JOBS);
    assertThat(r.deletions()).isEqualTo(Map.of("max_use", (long) JOBS));
    assertThat(r.hours().idle()).isZero();
  }
}
