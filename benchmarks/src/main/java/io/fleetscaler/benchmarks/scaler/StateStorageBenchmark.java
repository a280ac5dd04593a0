package io.fleetscaler.benchmarks.scaler;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.plugin.simulated.SimulatedOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What state storage costs a runner manager, against the same scaler without it ({@code storage =
 * off}, the baseline in the same run), on ten ready instances of the simulated cloud:
 *
 * <ul>
 *   <li>{@code reserveUnreserve}: the lock-free request path, which with storage only notes the
 *       change for the background writer (a counter increment, an unpark at most once per save);
 *   <li>{@code acquireRelease}: an acquisition until the caller has it, then its release. With
 *       storage the acquisition is handed out only after a save that includes it (fsync of the file
 *       and of its directory, shared by every acquisition waiting at that moment): this measures
 *       that wait, which depends on the disk.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class StateStorageBenchmark {

  @Param({"off", "on"})
  public String storage = "off";

  private @Nullable TaskScaler scaler;
  private @Nullable Path dir;

  /**
   * The fleet whose acquisitions this benchmark (and the HA failover benchmark's etcd-against-file
   * cost) measures: ten simulated instances of four slots on {@code clock}, ticked by hand, with no
   * state storage yet.
   */
  public static TaskScaler.Builder fleet(ManualClock clock) {
    return TaskScaler.builder(new SimulatedInstanceGroup(clock))
        .plugin(
            Settings.defaults(),
            SimulatedOptions.defaults()
                .withCreateLatency(SimulatedOptions.Latency.fixed(Duration.ofSeconds(1)))
                .toJson())
        .clock(clock)
        .manualTicks()
        .randomSeed(7)
        .maxInstances(10)
        .capacityPerInstance(4)
        .policies(List.of(Policy.of(40)));
  }

  @Setup(Level.Trial)
  public void start() throws IOException {
    ManualClock clock = new ManualClock();
    TaskScaler.Builder b = fleet(clock);
    if (storage.equals("on")) {
      dir = Files.createTempDirectory("fleetscaler-state-bench");
      b.stateStorage(dir.resolve("state"));
    }
    TaskScaler s = b.build();
    s.tick();
    clock.advance(Duration.ofSeconds(5));
    s.tick();
    s.tick();
    if (s.snapshot().slots().idle() == 0) {
      throw new IllegalStateException("no ready instance after setup: " + s.snapshot());
    }
    scaler = s;
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    Objects.requireNonNull(scaler).shutdown();
    Path d = dir;
    if (d != null) {
      try (Stream<Path> paths = Files.walk(d)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Benchmark
  public boolean reserveUnreserve() {
    TaskScaler s = Objects.requireNonNull(scaler);
    s.reserve("job");
    return s.unreserve("job");
  }

  @Benchmark
  public boolean acquireRelease() {
    TaskScaler s = Objects.requireNonNull(scaler);
    s.acquire("job", Duration.ZERO).join();
    return s.release("job");
  }
}
