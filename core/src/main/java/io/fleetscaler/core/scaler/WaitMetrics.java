package io.fleetscaler.core.scaler;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The meters that say why jobs wait, per group: {@code fleetscaler_scale_blocked{reason}} (read
 * from the group's current {@link WaitReasons} at each scrape, never taking the scaler's lock),
 * {@code fleetscaler_acquire_wait_seconds} (boot buckets) and {@code
 * fleetscaler_acquire_timeouts_total{reason}}. Every series exists from the start. Thread-safe.
 */
final class WaitMetrics implements MeterBinder {
  private final Supplier<WaitReasons> source;
  private final List<Timer> waitTimers = new CopyOnWriteArrayList<>();
  private final Map<BlockingReason.Kind, LongAdder> timeouts;
  private final LongAdder timeoutsUnexplained = new LongAdder();

  WaitMetrics(Supplier<WaitReasons> source) {
    this.source = source;
    Map<BlockingReason.Kind, LongAdder> byReason = new EnumMap<>(BlockingReason.Kind.class);
    for (BlockingReason.Kind k : BlockingReason.Kind.values()) {
      byReason.put(k, new LongAdder());
    }
    this.timeouts = Collections.unmodifiableMap(byReason);
  }

  /** An acquisition ended (served, failed or given up) after waiting {@code nanos}. */
  void acquireWaited(long nanos) {
    for (Timer t : waitTimers) {
      t.record(Duration.ofNanos(nanos));
    }
  }

  /** An acquisition timed out while {@code reasons} held: counted once per reason. */
  void acquireTimedOut(WaitReasons reasons) {
    if (reasons.reasons().isEmpty()) {
      timeoutsUnexplained.increment();
    }
    for (BlockingReason r : reasons.reasons()) {
      timeouts(r.kind()).increment();
    }
  }

  private LongAdder timeouts(BlockingReason.Kind kind) {
    return Objects.requireNonNull(timeouts.get(kind), kind.label()); // every kind is in the map
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (BlockingReason.Kind k : BlockingReason.Kind.values()) {
      Gauge.builder(
              ScalerMetrics.meterName("fleetscaler_scale_blocked"),
              () -> source.get().holds(k) ? 1 : 0)
          .description("1 while the reason holds the group's capacity back, else 0")
          .tag("reason", k.label())
          .register(registry);
      FunctionCounter.builder(
              ScalerMetrics.meterName("fleetscaler_acquire_timeouts_total"),
              timeouts(k),
              LongAdder::sum)
          .description("Acquisitions that timed out, by each reason that held then")
          .tag("reason", k.label())
          .register(registry);
    }
    FunctionCounter.builder(
            ScalerMetrics.meterName("fleetscaler_acquire_timeouts_total"),
            timeoutsUnexplained,
            LongAdder::sum)
        .description("Acquisitions that timed out, by each reason that held then")
        .tag("reason", "none")
        .register(registry);
    waitTimers.add(
        Timer.builder(ScalerMetrics.meterName("fleetscaler_acquire_wait_seconds"))
            .description("How long acquisitions waited for a slot (0 when one was free)")
            .serviceLevelObjectives(
                ScalerHistograms.BOOT_BUCKETS.stream()
                    .map(s -> Duration.ofMillis(Math.round(s * 1000)))
                    .toArray(Duration[]::new))
            .register(registry));
  }
}
