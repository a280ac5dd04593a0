package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.DemandSizing;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.plugin.simulated.SimulatedOptions;
import io.fleetscaler.plugin.simulated.SimulatedOptions.Latency;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
  static final int MAX = 6;
  static final Duration WINDOW = Duration.ofMinutes(30);

  static Policy sized(int standbyFloor, int leadSeconds, double factor) {
    return Policy.of(0)
        .withIdleTime(Duration.ofMinutes(2))
        .withStandby(standbyFloor, Duration.ZERO)
        .withDemand(new DemandSizing(Duration.ofSeconds(leadSeconds), factor, WINDOW));
  }

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

    Run(int maxUse, int resumeSeconds, Policy first) {
      SimulatedOptions options =
          SimulatedOptions.defaults()
              .withSuspendResume(true)
              .withCreateLatency(Latency.fixed(Duration.ofSeconds(30)))
              .withDeleteLatency(Latency.fixed(Duration.ofSeconds(5)))
              .withSuspendLatency(Latency.fixed(Duration.ofSeconds(5)))
              .withResumeLatency(Latency.fixed(Duration.ofSeconds(resumeSeconds)));
      scaler =
          TaskScaler.builder(cloud)
              .plugin(Settings.defaults(), options.toJson())
              .clock(clock)
              .manualTicks()
              .randomSeed(7)
              .capacityPerInstance(1)
              .maxUseCount(maxUse)
              .maxInstances(MAX)
              .creationTimeout(Duration.ofMinutes(3))
              .policies(List.of(first))
              .build();
    }

    void acquire(int n) {
      for (int i = 0; i < n; i++) {
        String key = "job-" + next++;
        CompletableFuture<Acquisition> f = scaler.acquire(key, Duration.ofHours(3));
        CompletableFuture<?> unused = f.thenAccept(a -> used.add(a.instanceId()));
        held.add(key);
        waiting.add(f);
      }
    }

    void release(int n) {
      for (int i = 0; i < n && !held.isEmpty(); i++) {
        String key = held.poll();
        CompletableFuture<Acquisition> f = waiting.poll();
        if (f != null && f.isDone() && !f.isCompletedExceptionally()) {
          scaler.release(key);
        } else if (f != null) {
          f.cancel(false);
        }
      }
    }

    void step(int code) {
      int kind = code % 5;
      int amount = code / 5 % 4 + 1;
      switch (kind) {
        case 0 -> acquire(amount);
        case 1 -> release(amount);
        case 2, 3 -> advance(Duration.ofSeconds(amount * 7L));
        default -> scaler.configure(List.of(sized(amount - 1, code * 37 % 600, code % 3 * 0.75)));
      }
      check();
    }

    void advance(Duration d) {
      clock.advance(d);
      scaler.tick();
    }

    void check() {
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

    long inCloud(InstanceState state) {
      return simulated.snapshot().stream().filter(s -> s.state() == state).count();
    }

    /** Serves every held job (boots and resumes end), then lets them all go. */
    void serveAndReleaseAll() {
      for (int i = 0; i < 40 && waiting.stream().anyMatch(f -> !f.isDone()); i++) {
        advance(Duration.ofSeconds(7));
        check();
      }
      release(held.size());
      check();
    }

    /** Advances {@code d} in 20-second steps, checking the invariants at each. */
    void settle(Duration d) {
      for (long s = 0; s < d.toSeconds(); s += 20) {
        advance(Duration.ofSeconds(20));
        check();
      }
    }
  }

  @Property(tries = 50)
  void neverAboveTheMaximumAndUsedInstancesNeverSuspended(
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 39) Integer> codes,
      @ForAll @IntRange(min = 0, max = 2) int maxUse,
      @ForAll @IntRange(min = 1, max = 40) int resumeSeconds) {
    Run run = new Run(maxUse, resumeSeconds, sized(0, 20, 1));
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
    Run run = new Run(maxUse, 20, sized(0, 0, factor));
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
    Run run = new Run(1, 20, sized(0, 900, 0));
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

  /** A pool of {@code floor} and an idle target read from a short memory of time constant tau. */
  static Policy shortMemory(int floor, int leadSeconds, int tauSeconds) {
    return Policy.of(0)
        .withIdleTime(Duration.ofMinutes(2))
        .withStandby(floor, Duration.ZERO)
        .withDemand(
            new DemandSizing(Duration.ofSeconds(leadSeconds), 0, WINDOW)
                .withIdleWindow(Duration.ofSeconds(tauSeconds)));
  }

  @Property(tries = 30)
  void aShortMemoryLendsMembersAndHasThemBackOnceArrivalsStop(
      @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 39) Integer> codes,
      @ForAll @IntRange(min = 0, max = 3) int floor,
      @ForAll @IntRange(min = 5, max = 120) int leadSeconds,
      @ForAll @IntRange(min = 5, max = 30) int tauSeconds,
      @ForAll @IntRange(min = 1, max = 40) int resumeSeconds) {
    Run run = new Run(1, resumeSeconds, shortMemory(floor, leadSeconds, tauSeconds));
    for (int code : codes) {
      // Policy changes (code % 5 == 4) switch to the window's mean; the rest keep the short one.
      run.step(code);
    }
    run.scaler.configure(List.of(shortMemory(floor, leadSeconds, tauSeconds)));
    run.serveAndReleaseAll();
    // Many time constants later the target is back at its floor of 0: nothing idles, every
    // member lent is back or gone, and the pool holds its floor.
    run.settle(Duration.ofMinutes(6));
    assertThat(run.scaler.snapshot().activePolicy().idleCount()).isZero();
    assertThat(run.scaler.snapshot().slots().idle()).as("no idle instance left").isZero();
    assertThat(run.inCloud(InstanceState.RUNNING)).as("none running either").isZero();
    assertThat(run.inCloud(InstanceState.SUSPENDED))
        .as("the pool at its floor, within max_instances")
        .isEqualTo(Math.min(MAX, floor));
    run.scaler.shutdown();
  }

  @Example
  void aMemberResumedForTheShortMemoryIsLentNotReplaced() {
    // lead 60 s over tau 60 s: the idle target is the decayed count of arrivals itself.
    Run run = new Run(1, 20, shortMemory(3, 60, 60));
    run.scaler.tick();
    run.settle(Duration.ofMinutes(1));
    assertThat(run.inCloud(InstanceState.SUSPENDED)).isEqualTo(3);
    assertThat(run.cloud.increases).isEqualTo(3);

    // One job: it resumes the oldest member, and the idle target of 1 the next (a loan). The pool
    // refills for the job's member only.
    run.acquire(1);
    assertThat(run.cloud.resumedIds).containsExactly("sim-000001", "sim-000002");
    assertThat(run.cloud.increases).as("one refill: the job's member, not the loan").isEqualTo(4);

    // No second job comes: the target decays (e^-1 at a minute) and the loan goes back.
    run.settle(Duration.ofMinutes(2));
    assertThat(run.scaler.snapshot().activePolicy().idleCount()).isZero();
    assertThat(run.cloud.suspendedIds).as("sim-000002 suspended again").contains("sim-000002");
    assertThat(run.inCloud(InstanceState.SUSPENDED)).as("the pool whole, no surplus").isEqualTo(3);
    run.release(1);
    run.settle(Duration.ofMinutes(3));
    assertThat(run.inCloud(InstanceState.SUSPENDED)).isEqualTo(3);
    assertThat(run.cloud.increases).as("nothing more created").isEqualTo(4);
    run.scaler.shutdown();
  }
}
