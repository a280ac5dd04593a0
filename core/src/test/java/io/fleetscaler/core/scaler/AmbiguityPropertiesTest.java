package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.simulated.SimulatedOptions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The engine on a simulated cloud with random boot and deletion latencies whose calls lose their
 * answers or time out at random: the limits hold counting what lost answers may have started, no
 * instance is deleted as {@code preexisting} or {@code replacement} (the cloud starts nothing on
 * its own here), every acquisition ends served or refused with a reason, and once the faults stop
 * the fleet settles on its idle target, or on zero.
 */
class AmbiguityPropertiesTest {

  @Property(tries = 80)
  void lostAnswersAndTimeoutsNeverBreakTheLimitsNorDeleteOurOwnInstances(
      @ForAll @Size(max = 50) List<@IntRange(min = 0, max = 14) Integer> workload,
      @ForAll @IntRange(min = 1, max = 6) int maxInstances,
      @ForAll @IntRange(min = 1, max = 2) int capacity,
      @ForAll @IntRange(min = 0, max = 2) int idleCount,
      @ForAll @IntRange(min = 0, max = 60) int faultPercent,
      @ForAll long seed) {
    SimulatedOptions cloud =
        SimulatedOptions.defaults()
            .withSeed(seed)
            .withCreateLatency(
                new SimulatedOptions.Latency(Duration.ofSeconds(5), Duration.ofSeconds(90)))
            .withDeleteLatency(new SimulatedOptions.Latency(Duration.ZERO, Duration.ofSeconds(30)));
    Harness h =
        Harness.exactly(
            cloud,
            b ->
                b.policies(List.of(Policy.of(idleCount).withIdleTime(Duration.ofMinutes(2))))
                    .maxInstances(maxInstances)
                    .capacityPerInstance(capacity)
                    .scaleThrottle(-1, 0));
    h.cloud.randomFaults(new Random(seed), faultPercent / 100.0);
    List<CompletableFuture<Acquisition>> all = new ArrayList<>();
    ArrayDeque<String> held = new ArrayDeque<>();
    int next = 0;
    for (int code : workload) {
      int amount = code / 3 % 4 + 1;
      switch (code % 3) {
        case 0 -> {
          for (int i = 0; i < amount; i++) {
            String key = "job-" + next++;
            all.add(h.scaler.acquire(key, Duration.ofMinutes(15)));
            held.add(key);
          }
        }
        case 1 -> {
          for (int i = 0; i < amount && !held.isEmpty(); i++) {
            String key = held.poll();
            CompletableFuture<Acquisition> f = all.get(Integer.parseInt(key.substring(4)));
            if (f.isDone() && !f.isCompletedExceptionally()) {
              h.scaler.release(key);
            } else {
              f.cancel(false);
            }
          }
        }
        default -> h.advance(Duration.ofSeconds(amount * 7L));
      }
      // Every instance the cloud holds was asked for, and asks are bounded by max_instances,
      // ambiguous ones included.
      assertThat(h.inCloud()).isLessThanOrEqualTo(maxInstances);
      assertThat(h.scaler.counter("fleetscaler_instance_deletions_total", "reason", "preexisting"))
          .isZero();
      assertThat(h.scaler.counter("fleetscaler_instance_deletions_total", "reason", "replacement"))
          .isZero();
    }
    // Faults stop; every acquisition is served or refused, with a reason.
    h.cloud.randomFaults(new Random(seed), 0);
    for (int i = 0; i < 30; i++) {
      h.advance(Duration.ofMinutes(1));
    }
    for (CompletableFuture<Acquisition> f : all) {
      assertThat(f).isDone();
      if (f.isCompletedExceptionally() && !f.isCancelled()) {
        try {
          f.join();
        } catch (CompletionException e) {
          assertThat(e.getCause())
              .isInstanceOf(NoCapacityException.class)
              .hasMessageContaining("capacity");
        }
      }
    }
    while (!held.isEmpty()) {
      String key = held.poll();
      CompletableFuture<Acquisition> f = all.get(Integer.parseInt(key.substring(4)));
      if (f.isDone() && !f.isCompletedExceptionally()) {
        h.scaler.release(key);
      }
    }
    // Idle long enough, the fleet holds exactly its idle target.
    for (int i = 0; i < 20; i++) {
      h.advance(Duration.ofMinutes(1));
    }
    int target = Math.min(maxInstances, (idleCount + capacity - 1) / capacity);
    assertThat(h.live()).isEqualTo(target);
    assertThat(h.ready()).isEqualTo(target);
    assertThat(h.inCloud()).isLessThanOrEqualTo(maxInstances);
    if (idleCount == 0) {
      assertThat(h.inCloud()).isZero();
      assertThat(h.scaler.snapshot().instances()).isEmpty();
    }
    assertThat(h.scaler.counter("fleetscaler_instance_deletions_total", "reason", "preexisting"))
        .isZero();
  }

  /**
   * One VM per job ({@code max_use_count} 1, capacity 1) on the same faulty cloud, at and below the
   * maximum: besides the limits, no more VMs are launched than jobs asked for plus the idle pool,
   * lost answers and retirements included (a lost answer asked again, or a retired VM replaced
   * before it is gone and then deleted for {@code over_max}, would launch more), and jobs are
   * served one VM each.
   */
  @Property(tries = 60)
  void withOneVmPerJobNoMoreAreLaunchedThanJobsAndThePool(
      @ForAll @Size(max = 50) List<@IntRange(min = 0, max = 14) Integer> workload,
      @ForAll @IntRange(min = 1, max = 6) int maxInstances,
      @ForAll @IntRange(min = 0, max = 2) int idleCount,
      @ForAll @IntRange(min = 0, max = 60) int faultPercent,
      @ForAll long seed) {
    SimulatedOptions cloud =
        SimulatedOptions.defaults()
            .withSeed(seed)
            .withCreateLatency(
                new SimulatedOptions.Latency(Duration.ofSeconds(5), Duration.ofSeconds(90)))
            .withDeleteLatency(new SimulatedOptions.Latency(Duration.ZERO, Duration.ofSeconds(30)));
    Harness h =
        Harness.exactly(
            cloud,
            b ->
                b.policies(List.of(Policy.of(idleCount).withIdleTime(Duration.ofMinutes(2))))
                    .maxInstances(maxInstances)
                    .capacityPerInstance(1)
                    .maxUseCount(1)
                    .scaleThrottle(-1, 0));
    h.cloud.randomFaults(new Random(seed), faultPercent / 100.0);
    List<CompletableFuture<Acquisition>> all = new ArrayList<>();
    ArrayDeque<String> held = new ArrayDeque<>();
    for (int code : workload) {
      int amount = code / 3 % 4 + 1;
      switch (code % 3) {
        case 0 -> {
          for (int i = 0; i < amount; i++) {
            String key = "job-" + all.size();
            all.add(h.scaler.acquire(key, Duration.ofHours(2)));
            held.add(key);
          }
        }
        case 1 -> {
          for (int i = 0; i < amount && !held.isEmpty(); i++) {
            String key = held.peek();
            CompletableFuture<Acquisition> f = all.get(Integer.parseInt(key.substring(4)));
            if (!f.isDone()) {
              break; // jobs end in the order they came; this one has not started
            }
            held.poll();
            h.scaler.release(key);
          }
        }
        default -> h.advance(Duration.ofSeconds(amount * 7L));
      }
      assertThat(h.inCloud()).isLessThanOrEqualTo(maxInstances);
      assertThat(h.scaler.counter("fleetscaler_instance_deletions_total", "reason", "preexisting"))
          .isZero();
    }
    h.cloud.randomFaults(new Random(seed), 0);
    // Jobs run and end in order until every one has had its VM.
    for (int i = 0; i < 60 * 4 && !held.isEmpty(); i++) {
      h.advance(Duration.ofSeconds(30));
      while (!held.isEmpty() && all.get(Integer.parseInt(held.peek().substring(4))).isDone()) {
        h.scaler.release(held.poll());
      }
    }
    assertThat(held).isEmpty();
    List<String> vms = new ArrayList<>();
    for (CompletableFuture<Acquisition> f : all) {
      vms.add(f.join().instanceId());
    }
    assertThat(vms).doesNotHaveDuplicates();
    assertThat(h.cloud.launched()).isLessThanOrEqualTo(all.size() + idleCount);
    assertThat(h.scaler.counter("fleetscaler_instance_deletions_total", "reason", "over_max"))
        .isZero();
  }
}
