package io.fleetscaler.core.scaler;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The standby pool's metrics: {@code fleetscaler_instance_ready_time_seconds{path=boot|resume}}
 * (request or resume to ready, on the fixed buckets of the lifecycle histograms), {@code
 * fleetscaler_standby_operations_total{operation=suspend|resume}} and {@code
 * fleetscaler_standby_target} (the active policy's {@code standby_count}). Suspended and resuming
 * instances are in {@code fleeting_provisioner_instances{state}}.
 *
 * <p>Thread-safe: recording never throws and never blocks.
 */
final class StandbyMetrics implements MeterBinder {
  private final Map<String, List<Timer>> readyTimers =
      Map.of("boot", new CopyOnWriteArrayList<>(), "resume", new CopyOnWriteArrayList<>());
  private final LongAdder suspends = new LongAdder();
  private final LongAdder resumes = new LongAdder();
  private volatile IntSupplier target = () -> 0;

  /** Where the gauge reads the pool's target from. */
  void target(IntSupplier value) {
    target = value;
  }

  void suspended() {
    suspends.increment();
  }

  void resumed() {
    resumes.increment();
  }

  /** Time to ready on {@code path} ({@code boot} or {@code resume}). */
  void readyTime(String path, Duration d) {
    for (Timer t : readyTimers.getOrDefault(path, List.of())) {
      t.record(d);
    }
  }

  long suspends() {
    return suspends.sum();
  }

  long resumes() {
    return resumes.sum();
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Duration[] buckets =
        ScalerHistograms.BOOT_BUCKETS.stream()
            .map(s -> Duration.ofMillis(Math.round(s * 1000)))
            .toArray(Duration[]::new);
    for (Map.Entry<String, List<Timer>> e : readyTimers.entrySet()) {
      e.getValue()
          .add(
              Timer.builder("fleetscaler.instance.ready.time")
                  .description("Time from request (boot) or resume to ready, by path")
                  .tag("path", e.getKey())
                  .serviceLevelObjectives(buckets)
                  .register(registry));
    }
    FunctionCounter.builder("fleetscaler.standby.operations", suspends, LongAdder::sum)
        .description("Instances suspended into and resumed from the standby pool")
        .tag("operation", "suspend")
        .register(registry);
    FunctionCounter.builder("fleetscaler.standby.operations", resumes, LongAdder::sum)
        .description("Instances suspended into and resumed from the standby pool")
        .tag("operation", "resume")
        .register(registry);
    Gauge.builder("fleetscaler.standby.target", () -> target.getAsInt())
        .description("Suspended instances the active policy keeps in the standby pool")
        .register(registry);
  }
}
