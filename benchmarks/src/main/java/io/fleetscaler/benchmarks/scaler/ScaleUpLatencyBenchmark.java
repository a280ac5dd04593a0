package io.fleetscaler.benchmarks.scaler;

import io.fleetscaler.core.scaler.Acquisition;
import io.fleetscaler.core.scaler.ReserveResult;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.plugin.simulated.SimulatedOptions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Demand to {@code increase()}: on an empty fleet, the time from a job's {@code acquire} (its slot
 * reserved beforehand, as a runner does before asking for a job) until the simulated cloud has
 * returned from {@code increase}, observed through a {@link RecordingInstanceGroup}.
 *
 * <p>Each invocation gets a fresh scaler built with its real scheduler (no manual ticks) on the
 * system clock and the default {@code update_interval} of one minute; setup waits until the loop's
 * first tick is over, so the scaler is idle, as in production between ticks, when the job arrives.
 * Scaler construction and shutdown are outside the timed region.
 *
 * <p>No baseline in the same run: the builder offers no way to turn event-driven scale-up off, and
 * {@code core} is not changed for a benchmark. The tick-driven alternative waits for the next tick,
 * on average half of {@code update_interval} (30 s by default); see the README.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
public class ScaleUpLatencyBenchmark {

  /** One scaler on one simulated cloud, for one invocation. */
  private record Fleet(RecordingInstanceGroup cloud, TaskScaler scaler) {}

  private static final String KEY = "job-1";
  private static final long WAIT_SECONDS = 10;

  private @Nullable Fleet fleet;

  @Setup(Level.Invocation)
  public void startIdleScaler() throws InterruptedException {
    RecordingInstanceGroup cloud =
        new RecordingInstanceGroup(new SimulatedInstanceGroup(InstantSource.system()));
    TaskScaler scaler =
        TaskScaler.builder(cloud)
            .plugin(Settings.defaults(), SimulatedOptions.defaults().toJson())
            .maxInstances(10)
            .randomSeed(7)
            .build();
    fleet = new Fleet(cloud, scaler);
    if (!cloud.awaitUpdate(WAIT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          "the loop's first tick did not come in " + WAIT_SECONDS + "s");
    }
    scaler.snapshot(); // takes the control lock: returns once that first tick is over
    ReserveResult reserved = scaler.reserve(KEY);
    if (reserved != ReserveResult.ACCEPTED_PENDING || cloud.increases() != 0) {
      throw new IllegalStateException(
          "expected an empty idle fleet, got reserve="
              + reserved
              + " increases="
              + cloud.increases());
    }
  }

  /**
   * The job acquires its slot; returns once the cloud has been asked for an instance, with the
   * acquisition, still waiting for that instance to boot (shutdown fails it).
   */
  @Benchmark
  public CompletableFuture<Acquisition> acquireToIncrease() throws InterruptedException {
    Fleet f = Objects.requireNonNull(fleet, "fleet");
    CompletableFuture<Acquisition> acquisition = f.scaler().acquire(KEY, Duration.ofMinutes(5));
    if (!f.cloud().awaitIncrease(WAIT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("no increase within " + WAIT_SECONDS + "s of the acquire");
    }
    return acquisition;
  }

  @TearDown(Level.Invocation)
  public void stopScaler() {
    Fleet f = fleet;
    if (f != null) {
      f.scaler().shutdown();
      fleet = null;
    }
  }
}
