package io.fleetscaler.benchmarks.slots;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.benchmarks.planner.PlannerBenchmark;
import io.fleetscaler.benchmarks.scaler.ScaleUpLatencyBenchmark;
import io.fleetscaler.benchmarks.scaler.StateStorageBenchmark;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Proves that every benchmark still runs: each method of every benchmark class in the module, with
 * each implementation and fleet shape (fleets pinned to 10 instances), one very short iteration in
 * this JVM. It asserts that results exist, never what they are.
 */
class BenchmarksSmokeTest {

  @Test
  void everyBenchmarkProducesAResult() throws RunnerException {
    Options options =
        new OptionsBuilder()
            .include("^io\\.fleetscaler\\.benchmarks\\.")
            .param("instances", "10")
            .forks(0)
            .warmupIterations(1)
            .warmupTime(TimeValue.milliseconds(20))
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(20))
            .shouldFailOnError(true)
            .build();
    Collection<RunResult> results = new Runner(options).run();

    Set<String> ran =
        results.stream()
            .filter(r -> r.getPrimaryResult().getSampleCount() > 0)
            .map(BenchmarksSmokeTest::nameWithParams)
            .collect(Collectors.toSet());
    String name = SlotAllocatorBenchmark.class.getName();
    String floor = RmwFloorBenchmark.class.getName();
    String planner = PlannerBenchmark.class.getName();
    String scaler = ScaleUpLatencyBenchmark.class.getName();
    String storage = StateStorageBenchmark.class.getName();
    assertThat(ran)
        .containsExactlyInAnyOrder(
            name + ".acquireRelease1Thread/lockfree",
            name + ".acquireRelease1Thread/reentrantlock",
            name + ".acquireRelease1Thread/synchronized",
            name + ".acquireRelease2Threads/lockfree",
            name + ".acquireRelease2Threads/reentrantlock",
            name + ".acquireRelease2Threads/synchronized",
            floor + ".floor1Thread/10",
            floor + ".floor1Thread/2",
            floor + ".floor2Threads/10",
            floor + ".floor2Threads/2",
            planner + ".plan/steady/engine",
            planner + ".plan/steady/sortall",
            planner + ".plan/surge/engine",
            planner + ".plan/surge/sortall",
            scaler + ".acquireToIncrease",
            storage + ".acquireRelease/off",
            storage + ".acquireRelease/on",
            storage + ".reserveUnreserve/off",
            storage + ".reserveUnreserve/on");
  }

  /** The benchmark, then its parameters but the pinned fleet size, by parameter name. */
  private static String nameWithParams(RunResult result) {
    BenchmarkParams params = result.getParams();
    StringBuilder name = new StringBuilder(params.getBenchmark());
    for (String key : new TreeSet<>(params.getParamsKeys())) {
      if (!key.equals("instances")) {
        name.append('/').append(params.getParam(key));
      }
    }
    return name.toString();
  }
}
