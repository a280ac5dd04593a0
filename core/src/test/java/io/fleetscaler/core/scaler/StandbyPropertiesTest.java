package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.jspecify.annotations.Nullable;

/** Invariants of the engine with a standby pool, over random demand and policy changes. */
class StandbyPropertiesTest {
  static final int MAX = StandbyWorkload.MAX;

  static Policy policy(int standby) {
    return Policy.of(0).withIdleTime(Duration.ofMinutes(2)).withStandby(standby, Duration.ZERO);
  }

  /** The workload, with the state kept in {@code stateDir} if not null. */
  private static StandbyWorkload run(int maxUse, int resumeSeconds, @Nullable Path stateDir) {
    return new StandbyWorkload(
        resumeSeconds,
        Duration.ofMinutes(30),
        code -> policy(code / 5 % 4),
        b -> {
          b.randomSeed(5).maxUseCount(maxUse).policies(List.of(policy(2)));
          return stateDir != null ? b.stateStorage(stateDir) : b;
        });
  }

  /** Lets everything go and waits out boots, suspensions and idle times. */
  private static void settle(StandbyWorkload run) {
    while (!run.held.isEmpty()) {
      run.step(1);
    }
    run.settle(Duration.ofMinutes(10));
  }

  @Property(tries = 60)
  void neverAboveTheMaximumAndUsedInstancesNeverSuspended(
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 19) Integer> codes,
      @ForAll @IntRange(min = 0, max = 2) int maxUse,
      @ForAll @IntRange(min = 1, max = 40) int resumeSeconds) {
    StandbyWorkload run = run(maxUse, resumeSeconds, null);
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
      StandbyWorkload run = run(maxUse, 20, dir);
      for (int code : codes) {
        run.step(code);
      }
      // Whatever the workload did, the policy asks for a pool of two again and the jobs end:
      // after idle_time, a boot and a suspension the pool is there to be saved.
      run.scaler.configure(List.of(policy(2)));
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
    StandbyWorkload run = run(maxUse, 20, null);
    for (int code : codes) {
      run.step(code);
    }
    run.scaler.configure(List.of(policy(target)));
    settle(run);
    assertThat(run.inCloud(InstanceState.SUSPENDED))
        .as("the pool refilled to its target")
        .isEqualTo(target);
    assertThat(run.scaler.snapshot().instancesByState()).containsEntry("suspended", target);

    run.scaler.configure(List.of(policy(0)));
    settle(run);
    assertThat(run.inCloud(InstanceState.SUSPENDED))
        .as("a policy of zero empties the pool")
        .isZero();
    assertThat(run.simulated.snapshot()).as("and nothing is left idle").isEmpty();
    run.scaler.shutdown();
  }
}
