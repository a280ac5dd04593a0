package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.DemandSizing;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.api.InstanceState;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Invariants of the engine whose idle and standby targets are sized from recent demand ({@code
 * idle_lead}, {@code standby_burst_factor}), over random demand and policy changes.
 */
class DemandSizingPropertiesTest {
  static final int MAX = StandbyWorkload.MAX;
  static final Duration WINDOW = Duration.ofMinutes(30);

  static Policy sized(int standbyFloor, int leadSeconds, double factor) {
    return Policy.of(0)
        .withIdleTime(Duration.ofMinutes(2))
        .withStandby(standbyFloor, Duration.ZERO)
        .withDemand(new DemandSizing(Duration.ofSeconds(leadSeconds), factor, WINDOW));
  }

  /** The workload, starting with policy {@code first}; policy steps change the sizing. */
  private static StandbyWorkload run(int maxUse, int resumeSeconds, Policy first) {
    return new StandbyWorkload(
        resumeSeconds,
        Duration.ofHours(3),
        code -> sized(code / 5 % 4, code * 37 % 600, code % 3 * 0.75),
        b -> b.randomSeed(7).maxUseCount(maxUse).policies(List.of(first)));
  }

  @Property(tries = 50)
  void neverAboveTheMaximumAndUsedInstancesNeverSuspended(
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 39) Integer> codes,
      @ForAll @IntRange(min = 0, max = 2) int maxUse,
      @ForAll @IntRange(min = 1, max = 40) int resumeSeconds) {
    StandbyWorkload run = run(maxUse, resumeSeconds, sized(0, 20, 1));
    for (int code : codes) {
      run.step(code);
    }
    run.scaler.shutdown();
  }

  @Property(tries = 30)
  void thePoolRefillsToTheRecentBurstAndReachesZeroOnceItLeavesTheWindow(
      @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 39) Integer> codes,
      @ForAll @IntRange(min = 1, max = 4) int burst,
      @ForAll @DoubleRange(min = 0.25, max = 2) double factor,
      @ForAll @IntRange(min = 0, max = 2) int maxUse) {
    StandbyWorkload run = run(maxUse, 20, sized(0, 0, factor));
    for (int code : codes) {
      run.step(code);
    }
    // Whatever the workload did: once its demand has left the window, a floor of 0 means none.
    run.scaler.configure(List.of(sized(0, 0, factor)));
    run.release(run.held.size());
    run.settle(WINDOW.plusMinutes(8));
    assertThat(run.inCloud(InstanceState.SUSPENDED)).as("no recent demand: no pool").isZero();
    assertThat(run.simulated.snapshot()).as("and nothing else either").isEmpty();

    // One burst: the pool refills behind it to factor x burst (within the maximum).
    run.acquire(burst);
    run.serveAndReleaseAll();
    run.settle(Duration.ofMinutes(8));
    int sized = (int) Math.ceil(factor * burst - 1e-9);
    long target = Math.min(MAX, sized);
    assertThat(run.inCloud(InstanceState.SUSPENDED))
        .as("the pool sized to the burst of %d, within max_instances", burst)
        .isEqualTo(target);
    assertThat(run.scaler.snapshot().activePolicy().standbyCount()).isEqualTo(sized);
    StandbyStatus pool = run.scaler.snapshot().standby();
    assertThat(pool.count()).as("status: members").isEqualTo((int) target);
    assertThat(pool.target()).as("status: the sized target").isEqualTo(sized);
    assertThat(pool.resuming()).isZero();
    if (target > 0) {
      assertThat(pool.oldestSince()).as("status: since when the oldest member waits").isNotNull();
      assertThat(pool.oldestSince()).isBefore(run.clock.instant());
    } else {
      assertThat(pool.oldestSince()).isNull();
    }

    // The burst leaves the window: the pool empties (surplus after idle_time).
    run.settle(WINDOW);
    assertThat(run.inCloud(InstanceState.SUSPENDED)).as("the burst left the window").isZero();
    assertThat(run.simulated.snapshot()).isEmpty();
    run.scaler.shutdown();
  }

  @Example
  void theIdleTargetFollowsTheRecentRate() {
    // Six jobs in a 30-minute window at a 15-minute lead: 6 / 1800 s x 900 s = 3 idle.
    StandbyWorkload run = run(1, 20, sized(0, 900, 0));
    run.acquire(6);
    run.serveAndReleaseAll();
    run.settle(Duration.ofMinutes(5));
    assertThat(run.scaler.snapshot().activePolicy().idleCount()).isEqualTo(3);
    assertThat(run.scaler.snapshot().slots().idle())
        .as("idle slots kept for the rate")
        .isEqualTo(3);
    assertThat(run.inCloud(InstanceState.SUSPENDED)).as("no pool asked for").isZero();

    run.settle(WINDOW);
    assertThat(run.scaler.snapshot().activePolicy().idleCount()).isZero();
    assertThat(run.simulated.snapshot()).as("demand gone: nothing kept").isEmpty();
    run.scaler.shutdown();
  }
}
