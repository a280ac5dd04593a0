package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.plugin.simulated.SimulatedOptions;
import io.fleetscaler.plugin.simulated.SimulatedOptions.Latency;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.jspecify.annotations.Nullable;

/** Invariants of the engine with a standby pool, over random demand and policy changes. */
class StandbyPropertiesTest {
  static final int MAX = 6;

  /** The scaler, its cloud and what the random workload holds. */
  private static final class Run {
    final ManualClock clock = new ManualClock();
    final SimulatedInstanceGroup simulated = new SimulatedInstanceGroup(clock);
    final PoolCloud cloud = new PoolCloud(simulated);
    final TaskScaler scaler;
    final ArrayDeque<String> held = new ArrayDeque<>();
    final ArrayDeque<CompletableFuture<Acquisition>> waiting = new ArrayDeque<>();
    final Set<String> used = new HashSet<>();
    int checkedSuspensions;
    int next;

    Run(int maxUse, int resumeSeconds) {
      this(maxUse, resumeSeconds, null);
    }

    Run(int maxUse, int resumeSeconds, @Nullable Path stateDir) {
      SimulatedOptions options =
          SimulatedOptions.defaults()
              .withSuspendResume(true)
              .withCreateLatency(Latency.fixed(Duration.ofSeconds(30)))
              .withDeleteLatency(Latency.fixed(Duration.ofSeconds(5)))
              .withSuspendLatency(Latency.fixed(Duration.ofSeconds(5)))
              .withResumeLatency(Latency.fixed(Duration.ofSeconds(resumeSeconds)));
      this.options = options;
      this.stateDir = stateDir;
      this.maxUse = maxUse;
      scaler = build();
    }

    final SimulatedOptions options;
    final @Nullable Path stateDir;
    final int maxUse;

    /** A scaler over this run's cloud (and state directory, if any). */
    TaskScaler build() {
      TaskScaler.Builder b =
          TaskScaler.builder(cloud)
              .plugin(Settings.defaults(), options.toJson())
              .clock(clock)
              .manualTicks()
              .randomSeed(5)
              .capacityPerInstance(1)
              .maxUseCount(maxUse)
              .maxInstances(MAX)
              .creationTimeout(Duration.ofMinutes(3))
              .policies(List.of(policy(2)));
      Path dir = stateDir;
      return (dir != null ? b.stateStorage(dir) : b).build();
    }

    static Policy policy(int standby) {
      return Policy.of(0).withIdleTime(Duration.ofMinutes(2)).withStandby(standby, Duration.ZERO);
    }

    void step(int code) {
      int kind = code % 5;
      int amount = code / 5 % 4 + 1;
      switch (kind) {
        case 0 -> {
          for (int i = 0; i < amount; i++) {
            String key = "job-" + next++;
            CompletableFuture<Acquisition> f = scaler.acquire(key, Duration.ofMinutes(30));
            CompletableFuture<?> unused = f.thenAccept(a -> used.add(a.instanceId()));
            held.add(key);
            waiting.add(f);
          }
        }
        case 1 -> {
          for (int i = 0; i < amount && !held.isEmpty(); i++) {
            String key = held.poll();
            CompletableFuture<Acquisition> f = waiting.poll();
            if (f != null && f.isDone() && !f.isCompletedExceptionally()) {
              scaler.release(key);
            } else if (f != null) {
              f.cancel(false);
            }
          }
        }
        case 2, 3 -> advance(Duration.ofSeconds(amount * 7L));
        default -> scaler.configure(List.of(policy(amount - 1)));
      }
      check();
    }

    void advance(Duration d) {
      clock.advance(d);
      scaler.tick();
    }

    void check() {
      // As the planner counts the maximum: every instance, suspended ones included, except those
      // whose deletion was asked for (their place is free once asked).
      List<InstanceStatus> counted =
          simulated.snapshot().stream().filter(s -> s.state() != InstanceState.DELETING).toList();
      assertThat(counted)
          .as("instances toward max_instances, suspended ones included")
          .hasSizeLessThanOrEqualTo(MAX);
      List<String> suspensions = cloud.suspendedIds;
      for (; checkedSuspensions < suspensions.size(); checkedSuspensions++) {
        String id = suspensions.get(checkedSuspensions);
        assertThat(used).as("an instance that ran a job never enters standby").doesNotContain(id);
      }
    }

    long suspendedInCloud() {
      return simulated.snapshot().stream()
          .filter(s -> s.state() == InstanceState.SUSPENDED)
          .count();
    }

    /** Lets everything go and waits out boots, suspensions and idle times. */
    void settle() {
      while (!held.isEmpty()) {
        step(1);
      }
      for (int i = 0; i < 30; i++) {
        advance(Duration.ofSeconds(20));
        check();
      }
    }
  }

  @Property(tries = 60)
  void neverAboveTheMaximumAndUsedInstancesNeverSuspended(
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 19) Integer> codes,
      @ForAll @IntRange(min = 0, max = 2) int maxUse,
      @ForAll @IntRange(min = 1, max = 40) int resumeSeconds) {
    Run run = new Run(maxUse, resumeSeconds);
    for (int code : codes) {
      run.step(code);
    }
    run.scaler.shutdown();
  }

  @Property(tries = 30)
  void suspendedInstancesAreAdoptedAsSuspendedAfterARestart(
      @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 19) Integer> codes,
      @ForAll @IntRange(min = 0, max = 2) int maxUse)
      throws Exception {
    Path dir = Files.createTempDirectory("standby-restart");
    try {
      Run run = new Run(maxUse, 20, dir);
      for (int code : codes) {
        run.step(code);
      }
      // Whatever the workload did, the policy asks for a pool of two again and the jobs end:
      // after idle_time, a boot and a suspension the pool is there to be saved.
      run.scaler.configure(List.of(Run.policy(2)));
      while (!run.held.isEmpty()) {
        run.step(1);
      }
      // Used instances wait out idle_time (2 min) before their place is free for the pool.
      for (int i = 0; i < 15; i++) {
        run.advance(Duration.ofSeconds(20));
      }
      run.scaler.shutdown();
      Set<String> suspended = new HashSet<>();
      for (InstanceStatus s : run.simulated.snapshot()) {
        if (s.state() == InstanceState.SUSPENDED || s.state() == InstanceState.SUSPENDING) {
          suspended.add(s.id());
        }
      }
      // Where the workload left no room for a pool the try says nothing about adoption.
      Assume.that(!suspended.isEmpty());
      int deletionsBefore = run.cloud.decreasedIds.size();

      TaskScaler after = run.build();
      after.tick();

      Set<String> adopted = new HashSet<>();
      after.snapshot().instances().stream()
          .filter(i -> i.phase() == io.fleetscaler.core.planner.InstancePhase.SUSPENDED)
          .forEach(i -> adopted.add(i.id()));
      assertThat(adopted)
          .as("every suspended instance is adopted as suspended")
          .containsAll(suspended);
      assertThat(run.cloud.decreasedIds.subList(deletionsBefore, run.cloud.decreasedIds.size()))
          .as("none of them is deleted for safety")
          .filteredOn(suspended::contains)
          .isEmpty();
      after.shutdown();
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Property(tries = 40)
  void thePoolRefillsAndReachesZeroWhenThePolicySaysZero(
      @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 19) Integer> codes,
      @ForAll @IntRange(min = 0, max = MAX) int target,
      @ForAll @IntRange(min = 0, max = 2) int maxUse) {
    Run run = new Run(maxUse, 20);
    for (int code : codes) {
      run.step(code);
    }
    run.scaler.configure(List.of(Run.policy(target)));
    run.settle();
    assertThat(run.suspendedInCloud()).as("the pool refilled to its target").isEqualTo(target);
    assertThat(run.scaler.snapshot().instancesByState()).containsEntry("suspended", target);

    run.scaler.configure(List.of(Run.policy(0)));
    run.settle();
    assertThat(run.suspendedInCloud()).as("a policy of zero empties the pool").isZero();
    assertThat(run.simulated.snapshot()).as("and nothing is left idle").isEmpty();
    run.scaler.shutdown();
  }
}
