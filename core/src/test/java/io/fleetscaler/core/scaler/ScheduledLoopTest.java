package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.plugin.simulated.SimulatedOptions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The production wiring: the loop ticks by itself, at the faster interval while expecting. */
class ScheduledLoopTest {

  @Test
  void loopKeepsTickingUntilTheIdleCountIsReady() {
    SimulatedInstanceGroup cloud = new SimulatedInstanceGroup(InstantSource.system());
    try (TaskScaler scaler =
        TaskScaler.builder(cloud)
            .plugin(
                Settings.defaults(),
                SimulatedOptions.defaults()
                    .withNoLatency()
                    .withCreateLatency(SimulatedOptions.Latency.fixed(Duration.ofMillis(100)))
                    .toJson())
            .policies(List.of(Policy.of(3)))
            .updateInterval(Duration.ofMillis(50))
            .updateIntervalWhenExpecting(Duration.ofMillis(10))
            .build()) {
      // Needs many ticks without any request: increase, then updates until the boot is over.
      await(() -> scaler.snapshot().instancesByState().getOrDefault("ready", 0) == 3);
      assertThat(scaler.snapshot().slots().idle()).isEqualTo(3);
    }
    assertThat(cloud.snapshot()).hasSize(3); // shutdown does not delete unless asked
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met within 20s").isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }
}
