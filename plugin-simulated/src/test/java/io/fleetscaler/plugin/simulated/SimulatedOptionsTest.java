package io.fleetscaler.plugin.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.GoDuration;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.simulated.SimulatedOptions.Latency;
import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading and writing the simulated provider's plugin configuration. */
class SimulatedOptionsTest {

  @Property
  void writtenOptionsReadBackEqual(@ForAll("options") SimulatedOptions options) {
    assertThat(SimulatedOptions.fromJson(options.toJson())).isEqualTo(options);
  }

  @Property
  void eachWitherChangesItsFieldAndKeepsEveryOther(@ForAll("options") SimulatedOptions o) {
    Latency l = Latency.fixed(Duration.ofMillis(1234));
    SimulatedOptions name = o.withName("other");
    assertThat(name.name()).isEqualTo("other");
    assertThat(name.withName(o.name())).isEqualTo(o);
    assertThat(o.withMaxSize(o.maxSize() + 1).withMaxSize(o.maxSize())).isEqualTo(o);
    assertThat(o.withMaxSize(o.maxSize() + 1).maxSize()).isEqualTo(o.maxSize() + 1);
    assertThat(o.withCapacityLimit(7).capacityLimit()).isEqualTo(7);
    assertThat(o.withCapacityLimit(7).withCapacityLimit(o.capacityLimit())).isEqualTo(o);
    assertThat(o.withCreateLatency(l).createLatency()).isEqualTo(l);
    assertThat(o.withCreateLatency(l).withCreateLatency(o.createLatency())).isEqualTo(o);
    assertThat(o.withDeleteLatency(l).deleteLatency()).isEqualTo(l);
    assertThat(o.withDeleteLatency(l).withDeleteLatency(o.deleteLatency())).isEqualTo(o);
    assertThat(o.withSuspendLatency(l).suspendLatency()).isEqualTo(l);
    assertThat(o.withSuspendLatency(l).withSuspendLatency(o.suspendLatency())).isEqualTo(o);
    assertThat(o.withResumeLatency(l).resumeLatency()).isEqualTo(l);
    assertThat(o.withResumeLatency(l).withResumeLatency(o.resumeLatency())).isEqualTo(o);
    assertThat(o.withBootFailureProbability(0.5).bootFailureProbability()).isEqualTo(0.5);
    assertThat(
            o.withBootFailureProbability(0.5)
                .withBootFailureProbability(o.bootFailureProbability()))
        .isEqualTo(o);
    assertThat(o.withLossRatePerHour(2).lossRatePerHour()).isEqualTo(2);
    assertThat(o.withLossRatePerHour(2).withLossRatePerHour(o.lossRatePerHour())).isEqualTo(o);
    assertThat(o.withSeed(o.seed() + 1).seed()).isEqualTo(o.seed() + 1);
    assertThat(o.withSeed(o.seed() + 1).withSeed(o.seed())).isEqualTo(o);
    assertThat(o.withSuspendResume(!o.suspendResume()).suspendResume())
        .isEqualTo(!o.suspendResume());
    assertThat(o.withSuspendResume(!o.suspendResume()).withSuspendResume(o.suspendResume()))
        .isEqualTo(o);
    assertThat(o.withNoLatency().resumeLatency()).isEqualTo(Latency.fixed(Duration.ZERO));
    assertThatThrownBy(() -> o.withMaxSize(0)).hasMessageContaining("maxSize");
  }

  @Provide
  Arbitrary<SimulatedOptions> options() {
    Arbitrary<Duration> durations =
        Arbitraries.oneOf(
            Arbitraries.longs().between(0, 10_000_000).map(Duration::ofMillis),
            Arbitraries.longs().between(0, 1_000_000_000L).map(Duration::ofNanos));
    Arbitrary<Latency> latencies = Combinators.combine(durations, durations).as(Latency::new);
    return Combinators.combine(
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
            Arbitraries.integers().between(1, 10_000),
            Arbitraries.oneOf(
                Arbitraries.integers().between(0, 10_000),
                Arbitraries.just(SimulatedOptions.UNLIMITED)),
            latencies,
            latencies,
            Arbitraries.doubles().between(0, 1),
            Arbitraries.doubles().between(0, 1_000),
            Arbitraries.longs())
        .as(
            (name, max, cap, create, delete, boot, loss, seed) ->
                new SimulatedOptions(
                    name, max, cap, create, delete, boot, loss, seed, max % 2 == 0));
  }

  @Test
  void absentKeysKeepTheirDefaults() {
    assertThat(SimulatedOptions.fromJson("{}")).isEqualTo(SimulatedOptions.defaults());
    assertThat(SimulatedOptions.fromJson("")).isEqualTo(SimulatedOptions.defaults());
    assertThat(SimulatedOptions.fromJson("null")).isEqualTo(SimulatedOptions.defaults());
  }

  @Test
  void readsEveryKey() {
    SimulatedOptions o =
        SimulatedOptions.fromJson(
            """
            {"name":"x","max_size":10,"capacity_limit":4,"create_latency":"1m30s",
             "create_latency_jitter":"250ms","delete_latency":"0","delete_latency_jitter":"2h",
             "boot_failure_probability":0.25,"loss_rate_per_hour":3,"seed":-9,
             "suspend_resume":true,"suspend_latency":"4s","suspend_latency_jitter":"1s",
             "resume_latency":"20s","resume_latency_jitter":"0s"}
            """);
    assertThat(o)
        .isEqualTo(
            new SimulatedOptions(
                "x",
                10,
                4,
                new Latency(Duration.ofSeconds(90), Duration.ofMillis(250)),
                new Latency(Duration.ZERO, Duration.ofHours(2)),
                0.25,
                3,
                -9,
                true,
                new Latency(Duration.ofSeconds(4), Duration.ofSeconds(1)),
                Latency.fixed(Duration.ofSeconds(20))));
    assertThat(SimulatedOptions.fromJson(o.toJson())).isEqualTo(o);
  }

  @Test
  void reportsEveryProblemAtOnceNamingItsKey() {
    assertThatThrownBy(
            () ->
                SimulatedOptions.fromJson(
                    "{\"max_size\":0,\"seed\":\"x\",\"bogus\":1,\"create_latency\":\"1.5s\"}"))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContainingAll("max_size", "seed", "bogus", "create_latency", "1.5s");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[]",
        "1",
        "{\"max_size\":1.5}",
        "{\"max_size\":99999999999}",
        "{\"capacity_limit\":-1}",
        "{\"create_latency\":\"-1s\"}",
        "{\"create_latency\":\"10\"}",
        "{\"create_latency\":\"s\"}",
        "{\"delete_latency_jitter\":\"1x\"}",
        "{\"boot_failure_probability\":\"0.1\"}",
        "{\"name\":\"\"}",
        "{\"name\":3}",
        "{} {}",
        "{"
      })
  void rejectsBadConfigs(String json) {
    assertThatThrownBy(() -> SimulatedOptions.fromJson(json))
        .isInstanceOf(ProviderException.InvalidConfig.class);
  }

  @Test
  void durationsParseGoStyleAndFormatBackExactly() {
    assertThat(GoDuration.parse("1h2m3s4ms5us6ns")).isEqualTo(Duration.parse("PT1H2M3.004005006S"));
    assertThat(GoDuration.format(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(GoDuration.format(Duration.ofNanos(7))).isEqualTo("7ns");
  }
}
