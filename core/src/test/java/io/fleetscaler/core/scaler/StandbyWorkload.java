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
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * A random workload for the property tests of the standby pool: a scaler of one slot per instance
 * and at most {@link #MAX} instances over a simulated cloud that suspends and resumes, under a
 * manual clock, driven by step codes (acquire, release, advance, change the policy), with the
 * invariants every step must keep checked after each.
 */
final class StandbyWorkload {
  static final int MAX = 6;

  final ManualClock clock = new ManualClock();
  final SimulatedInstanceGroup simulated = new SimulatedInstanceGroup(clock);
  final PoolCloud cloud = new PoolCloud(simulated);
  final TaskScaler scaler;
  final ArrayDeque<String> held = new ArrayDeque<>();
  final ArrayDeque<CompletableFuture<Acquisition>> waiting = new ArrayDeque<>();
  final Set<String> used = new HashSet<>();
  private final SimulatedOptions options;
  private final UnaryOperator<TaskScaler.Builder> scalerOptions;
  private final Duration acquireTimeout;
  private final IntFunction<Policy> policyStep;
  private int checkedSuspensions;
  private int next;

  /**
   * @param resumeSeconds how long a resume takes in the cloud (a boot takes 30 s, a suspension or
   *     deletion 5 s)
   * @param acquireTimeout how long an acquisition waits
   * @param policyStep the policy a policy step with this code configures
   * @param scalerOptions what the test sets on the scaler (seed, {@code max_use_count}, policies,
   *     state storage), each time one is built
   */
  StandbyWorkload(
      int resumeSeconds,
      Duration acquireTimeout,
      IntFunction<Policy> policyStep,
      UnaryOperator<TaskScaler.Builder> scalerOptions) {
    this.options =
        SimulatedOptions.defaults()
            .withSuspendResume(true)
            .withCreateLatency(Latency.fixed(Duration.ofSeconds(30)))
            .withDeleteLatency(Latency.fixed(Duration.ofSeconds(5)))
            .withSuspendLatency(Latency.fixed(Duration.ofSeconds(5)))
            .withResumeLatency(Latency.fixed(Duration.ofSeconds(resumeSeconds)));
    this.scalerOptions = scalerOptions;
    this.acquireTimeout = acquireTimeout;
    this.policyStep = policyStep;
    this.scaler = build();
  }

  /** A scaler over this workload's cloud (another one after a restart, say). */
  TaskScaler build() {
    return scalerOptions
        .apply(
            TaskScaler.builder(cloud)
                .plugin(Settings.defaults(), options.toJson())
                .clock(clock)
                .manualTicks()
                .capacityPerInstance(1)
                .maxInstances(MAX)
                .creationTimeout(Duration.ofMinutes(3)))
        .build();
  }

  void acquire(int n) {
    for (int i = 0; i < n; i++) {
      String key = "job-" + next++;
      CompletableFuture<Acquisition> f = scaler.acquire(key, acquireTimeout);
      CompletableFuture<?> unused = f.thenAccept(a -> used.add(a.instanceId()));
      held.add(key);
      waiting.add(f);
    }
  }

  /** Lets the {@code n} oldest holders go: releases those served, cancels those waiting. */
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

  /** One step of the workload, then the invariants. */
  void step(int code) {
    int kind = code % 5;
    int amount = code / 5 % 4 + 1;
    switch (kind) {
      case 0 -> acquire(amount);
      case 1 -> release(amount);
      case 2, 3 -> advance(Duration.ofSeconds(amount * 7L));
      default -> scaler.configure(List.of(policyStep.apply(code)));
    }
    check();
  }

  void advance(Duration d) {
    clock.advance(d);
    scaler.tick();
  }

  /** The invariants: never above the maximum, and no instance that ran a job is suspended. */
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
