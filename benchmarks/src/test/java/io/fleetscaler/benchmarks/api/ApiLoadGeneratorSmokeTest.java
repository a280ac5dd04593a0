package io.fleetscaler.benchmarks.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Proves the load generator still runs end to end: a tiny run of a few clients against the API
 * composed in this JVM. It asserts that cycles completed without errors, never how fast.
 */
class ApiLoadGeneratorSmokeTest {

  @Test
  void aTinyRunCompletesCyclesWithoutErrors() throws Exception {
    LoadReport report =
        ApiLoadGenerator.run(
            LoadOptions.parse("--clients=4", "--channels=2", "--warmup=100ms", "--duration=300ms"));
    assertThat(report.cycles()).isPositive();
    assertThat(report.errors()).isZero();
    assertThat(report.p99Micros()).isGreaterThanOrEqualTo(report.p50Micros());
    assertThat(report.format()).contains("cycles/s");
    assertThat(report.measured()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void optionsAreParsedAndCheckedByName() {
    LoadOptions o = LoadOptions.parse("--clients=8", "--duration=1.5s", "--daemon-jar=x.jar");
    assertThat(o.clients()).isEqualTo(8);
    assertThat(o.duration()).isEqualTo(Duration.ofMillis(1500));
    assertThat(o.daemonJar()).hasToString("x.jar");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoadOptions.parse("--client=8"))
        .hasMessageStartingWith("unknown option --client=8");
    assertThat(LoadOptions.parse("--cloud-latency=10s").cloudLatency())
        .isEqualTo(Duration.ofSeconds(10));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> LoadOptions.parse("--cloud-latency=10s", "--daemon-jar=x.jar"))
        .hasMessageContaining("needs the in-process target");
  }

  @Test
  void aTinyRunAgainstASlowCloudCompletesCyclesWithoutErrors() throws Exception {
    // Every provisioner call sleeps while a provisioner thread ticks: cycles still complete.
    LoadReport report =
        ApiLoadGenerator.run(
            LoadOptions.parse(
                "--clients=4",
                "--channels=2",
                "--warmup=100ms",
                "--duration=300ms",
                "--cloud-latency=500ms"));
    assertThat(report.cycles()).isPositive();
    assertThat(report.errors()).isZero();
  }
}
