package io.fleetscaler.core.scaler;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.plugin.simulated.SimulatedOptions;
import java.time.Duration;
import java.util.List;
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
    TaskScaler.Builder b =
        TaskScaler.builder(cloud)
            .plugin(
                Settings.defaults(),
                cloudOptions
                    .withCreateLatency(SimulatedOptions.Latency.fixed(BOOT))
                    .withDeleteLatency(SimulatedOptions.Latency.fixed(DELETE))
                    .toJson())
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
