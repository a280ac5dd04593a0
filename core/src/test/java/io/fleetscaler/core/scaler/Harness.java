package io.fleetscaler.core.scaler;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.plugin.simulated.SimulatedOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/** A scaler on a simulated cloud under a manual clock, driven tick by tick. */
final class Harness {
  static final Duration BOOT = Duration.ofSeconds(30);
  static final Duration DELETE = Duration.ofSeconds(5);

  final ManualClock clock = new ManualClock();
  final SimulatedInstanceGroup simulated = new SimulatedInstanceGroup(clock);
  final FlakyCloud cloud = new FlakyCloud(simulated);
  final EngineTaskScaler scaler;

  Harness(UnaryOperator<TaskScaler.Builder> options) {
    this(SimulatedOptions.defaults(), options);
  }

  Harness(SimulatedOptions cloudOptions, UnaryOperator<TaskScaler.Builder> options) {
    this(
        cloudOptions
            .withCreateLatency(SimulatedOptions.Latency.fixed(BOOT))
            .withDeleteLatency(SimulatedOptions.Latency.fixed(DELETE)),
        options,
        true);
  }

  /** A scaler on a cloud with exactly {@code cloudOptions}, latencies included. */
  static Harness exactly(SimulatedOptions cloudOptions, UnaryOperator<TaskScaler.Builder> options) {
    return new Harness(cloudOptions, options, true);
  }

  private Harness(
      SimulatedOptions cloudOptions,
      UnaryOperator<TaskScaler.Builder> options,
      @SuppressWarnings("unused") boolean exactOptions) {
    TaskScaler.Builder b =
        TaskScaler.builder(cloud)
            .plugin(Settings.defaults(), cloudOptions.toJson())
            .clock(clock)
            .randomSeed(7)
            .manualTicks();
    scaler = (EngineTaskScaler) options.apply(b).build();
  }

  static Harness withPolicy(Policy policy, int maxInstances, int capacity) {
    return new Harness(
        b -> b.policies(List.of(policy)).maxInstances(maxInstances).capacityPerInstance(capacity));
  }

  /** Advances the clock by {@code step} and ticks. */
  void advance(Duration step) {
    clock.advance(step);
    scaler.tick();
  }

  /** Ticks, lets instances boot, and ticks again so they are ready. */
  void bootAll() {
    scaler.tick();
    advance(BOOT);
  }

  /** One request thread's jobs: job {@code j} of thread {@code thread}. */
  @FunctionalInterface
  interface Job {
    void run(int thread, int j) throws Exception;
  }

  /**
   * Runs {@code jobsPerThread} jobs on each of {@code threads} request threads, all started at
   * once, while another thread advances the clock by 10 s and ticks until they are done. Fails if a
   * job throws or the threads take longer than {@code bound}.
   */
  void raceWithTicks(int threads, int jobsPerThread, Duration bound, Job job) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    AtomicBoolean done = new AtomicBoolean();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      workers.add(
          pool.submit(
              () -> {
                start.await();
                for (int j = 0; j < jobsPerThread; j++) {
                  job.run(thread, j);
                }
                return null;
              }));
    }
    Future<?> ticker =
        pool.submit(
            () -> {
              start.await();
              while (!done.get()) {
                advance(Duration.ofSeconds(10));
              }
              return null;
            });
    start.countDown();
    try {
      for (Future<?> w : workers) {
        w.get(bound.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      done.set(true);
      ticker.get(60, TimeUnit.SECONDS);
      pool.shutdownNow();
    }
    if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
      throw new AssertionError("request threads did not stop");
    }
  }

  long live() {
    return simulated.snapshot().stream().filter(s -> s.state() != InstanceState.DELETING).count();
  }

  long inCloud() {
    return simulated.snapshot().size();
  }

  long inState(InstanceState state) {
    return simulated.snapshot().stream().map(InstanceStatus::state).filter(state::equals).count();
  }

  int ready() {
    return scaler.snapshot().instancesByState().getOrDefault("ready", 0);
  }
}
