package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.api.InstanceStatus;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Invariants of the whole engine over random demand sequences on the simulated cloud. */
class TaskScalerPropertiesTest {

  /**
   * One step of a random workload: {@code kind} 0 acquires, 1 releases, 2 lets time pass, 3
   * reserves (the job arrives for it at the end).
   */
  private static void step(
      Harness h,
      int code,
      ArrayDeque<String> held,
      List<CompletableFuture<Acquisition>> all,
      int[] next,
      List<String> reserved) {
    int kind = code % 4;
    int amount = code / 4 % 5 + 1;
    switch (kind) {
      case 0 -> {
        for (int i = 0; i < amount; i++) {
          String key = "job-" + next[0]++;
          CompletableFuture<Acquisition> f = h.scaler.acquire(key, Duration.ofMinutes(20));
          all.add(f);
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
      case 2 -> h.advance(Duration.ofSeconds(amount * 20L));
      default -> {
        String key = "res-" + next[0]++;
        all.add(CompletableFuture.failedFuture(new IllegalStateException("placeholder")));
        ReserveResult result = h.scaler.reserve(key);
        assertThat(result).isNotEqualTo(ReserveResult.ALREADY_HELD);
        if (result != ReserveResult.NO_CAPACITY) {
          reserved.add(key);
        }
      }
    }
  }

  @Property(tries = 60)
  void fleetStaysWithinLimitsNeverRevokesWorkAndDrainsToZero(
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 19) Integer> workload,
      @ForAll @IntRange(min = 1, max = 6) int maxInstances,
      @ForAll @IntRange(min = 1, max = 3) int capacity,
      @ForAll @IntRange(min = 0, max = 2) int idleCount) {
    Harness h =
        new Harness(
            b ->
                b.policies(List.of(Policy.of(idleCount).withPreemptiveMode(false)))
                    .maxInstances(maxInstances)
                    .capacityPerInstance(capacity)
                    .scaleThrottle(-1, 0));
    ArrayDeque<String> held = new ArrayDeque<>();
    List<CompletableFuture<Acquisition>> all = new ArrayList<>();
    int[] next = {0};
    List<String> reserved = new ArrayList<>();
    for (int code : workload) {
      step(h, code, held, all, next, reserved);
      assertThat(h.inCloud()).isLessThanOrEqualTo(maxInstances);
      assertThat(h.scaler.snapshot().slots().acquired())
          .isLessThanOrEqualTo((long) maxInstances * capacity);
      for (CompletableFuture<Acquisition> f : all) {
        if (f.isDone() && !f.isCompletedExceptionally() && !f.isCancelled()) {
          assertThat(f.join().cancelCause()).as("a held slot was revoked").isNull();
        }
      }
    }
    // The jobs for the accepted reservations arrive.
    for (String key : reserved) {
      all.add(h.scaler.acquire(key, Duration.ofMinutes(20)));
      held.add(key);
    }
    // Every acquisition is eventually served or refused.
    for (int i = 0; i < 20; i++) {
      h.advance(Duration.ofMinutes(2));
    }
    assertThat(all).allMatch(CompletableFuture::isDone);
    // With nothing held, only the idle target remains; with idle_count 0 the fleet reaches zero.
    while (!held.isEmpty()) {
      String key = held.poll();
      h.scaler.release(key);
    }
    h.scaler.configure(List.of(Policy.of(0)));
    for (int i = 0; i < 10; i++) {
      h.advance(Duration.ofMinutes(2));
    }
    assertThat(h.inCloud()).isZero();
    assertThat(h.scaler.snapshot().instances()).isEmpty();
  }

  @Property(tries = 40)
  void noOscillationUnderConstantDemand(
      @ForAll @IntRange(min = 0, max = 12) int jobs,
      @ForAll @IntRange(min = 0, max = 4) int idleCount,
      @ForAll @IntRange(min = 1, max = 4) int capacity) {
    Harness h =
        new Harness(
            b ->
                b.policies(List.of(Policy.of(idleCount)))
                    .maxInstances(20)
                    .capacityPerInstance(capacity));
    for (int i = 0; i < jobs; i++) {
      CompletableFuture<Acquisition> f = h.scaler.acquire("job-" + i, Duration.ofHours(2));
      assertThat(f).isNotCompletedExceptionally();
    }
    for (int i = 0; i < 5; i++) {
      h.advance(Duration.ofMinutes(1));
    }
    Set<String> steady = ids(h);
    long increases =
        h.scaler.counter("fleeting_provisioner_instance_operations_total", "operation", "increase");
    for (int i = 0; i < 30; i++) {
      h.advance(Duration.ofMinutes(1));
    }
    assertThat(ids(h)).isEqualTo(steady);
    assertThat(
            h.scaler.counter(
                "fleeting_provisioner_instance_operations_total", "operation", "increase"))
        .isEqualTo(increases);
    int needed = (int) Math.ceil((jobs + idleCount) / (double) capacity);
    assertThat(steady).hasSize(needed);
  }

  private static Set<String> ids(Harness h) {
    Set<String> ids = new TreeSet<>();
    for (InstanceStatus s : h.simulated.snapshot()) {
      ids.add(s.id());
    }
    return ids;
  }
}
