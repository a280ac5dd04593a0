package io.fleetscaler.plugin.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.SimulatedOptions.Latency;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SimulatedInstanceGroup#nextTransitionAt()}: every change the cloud makes by itself. */
class NextTransitionTest {

  private final ManualClock clock = new ManualClock();

  private SimulatedInstanceGroup started(SimulatedOptions options) {
    SimulatedInstanceGroup group = new SimulatedInstanceGroup(clock);
    group.init(Settings.defaults(), options.toJson());
    return group;
  }

  private static Instant next(SimulatedInstanceGroup group) {
    Instant at = group.nextTransitionAt();
    assertThat(at).isNotNull();
    return java.util.Objects.requireNonNull(at);
  }

  @Test
  void nothingUnderWayMeansNoTransition() {
    SimulatedInstanceGroup group = new SimulatedInstanceGroup(clock);
    assertThat(group.nextTransitionAt()).isNull();
    group.init(Settings.defaults(), "{}");
    assertThat(group.nextTransitionAt()).isNull();
  }

  @Test
  void stepsThroughBootAndDeletionEndsInOrder() {
    SimulatedInstanceGroup group =
        started(
            SimulatedOptions.defaults()
                .withCreateLatency(Latency.fixed(Duration.ofSeconds(10)))
                .withDeleteLatency(Latency.fixed(Duration.ofSeconds(5))));
    Instant t0 = clock.instant();
    group.increase(1);
    clock.advance(Duration.ofSeconds(3));
    group.increase(1);
    assertThat(group.nextTransitionAt()).isEqualTo(t0.plusSeconds(10));
    clock.set(next(group));
    assertThat(group.snapshot())
        .extracting(InstanceStatus::state)
        .containsExactly(InstanceState.RUNNING, InstanceState.CREATING);
    assertThat(group.nextTransitionAt()).isEqualTo(t0.plusSeconds(13));
    group.decrease(List.of("sim-000001"));
    assertThat(group.nextTransitionAt()).isEqualTo(t0.plusSeconds(13));
    clock.set(t0.plusSeconds(13));
    assertThat(group.nextTransitionAt()).isEqualTo(t0.plusSeconds(15));
    clock.set(t0.plusSeconds(15));
    assertThat(group.nextTransitionAt()).isNull();
    assertThat(group.snapshot()).extracting(InstanceStatus::id).containsExactly("sim-000002");
  }

  @Test
  void aScheduledRandomLossIsATransitionAndHappensExactlyThen() {
    SimulatedInstanceGroup group =
        started(
            SimulatedOptions.defaults()
                .withCreateLatency(Latency.fixed(Duration.ofSeconds(1)))
                .withLossRatePerHour(10)
                .withSeed(42));
    group.increase(1);
    clock.set(next(group)); // booted
    Instant loss = next(group);
    assertThat(loss).isAfter(clock.instant());
    clock.set(loss.minusNanos(1));
    assertThat(group.snapshot()).hasSize(1);
    clock.set(loss);
    assertThat(group.snapshot()).isEmpty();
    assertThat(group.nextTransitionAt()).isNull();
  }
}
