package io.fleetscaler.benchmarks.slots;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Proves that every benchmark still runs: each method with each implementation, one very short
 * iteration in this JVM. It asserts that results exist, never what they are.
 */
class BenchmarksSmokeTest {

  @Test
  void everyBenchmarkProducesAResult() throws RunnerException {
    Options options =
        new OptionsBuilder()
            .include(SlotAllocatorBenchmark.class.getName())
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
            .map(r -> r.getParams().getBenchmark() + "/" + r.getParams().getParam("impl"))
            .collect(Collectors.toSet());
    String name = SlotAllocatorBenchmark.class.getName();
    assertThat(ran)
        .containsExactlyInAnyOrder(
            name + ".acquireRelease1Thread/lockfree",
            name + ".acquireRelease1Thread/reentrantlock",
            name + ".acquireRelease1Thread/synchronized",
            name + ".acquireRelease2Threads/lockfree",
            name + ".acquireRelease2Threads/reentrantlock",
            name + ".acquireRelease2Threads/synchronized");
  }
}
