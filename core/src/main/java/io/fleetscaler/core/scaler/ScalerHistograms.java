package io.fleetscaler.core.scaler;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The histograms of {@link ScalerMetrics}: the plugin call durations per method and the instance
 * lifecycle times, with their fixed bucket bounds. Owns the timers once bound; before {@link
 * #bindTo} a recording goes nowhere. Thread-safe.
 */
final class ScalerHistograms {

  private final Map<String, List<Timer>> timers = new ConcurrentHashMap<>();

  /** Bucket bounds of {@code fleetscaler_plugin_call_duration_seconds}. */
  private static final Duration[] PLUGIN_CALL_BUCKETS = {
    Duration.ofMillis(10),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60)
  };

  /** One plugin call to {@code method} took {@code nanos}. */
  void pluginCall(String method, long nanos) {
    for (Timer t :
        timers.getOrDefault("fleetscaler_plugin_call_duration_seconds|" + method, List.of())) {
      t.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  /** One lifecycle time of the histogram named {@code name} (its Prometheus name). */
  void record(String name, Duration d) {
    for (Timer t : timers.getOrDefault(name, List.of())) {
      t.record(d);
    }
  }

  /** Registers every histogram, so dashboards see empty buckets rather than gaps. */
  void bindTo(MeterRegistry registry) {
    for (String method : ScalerMetrics.PLUGIN_METHODS) {
      Timer timer =
          Timer.builder(ScalerMetrics.meterName("fleetscaler_plugin_call_duration_seconds"))
              .description(MeterHelp.of("fleetscaler_plugin_call_duration_seconds"))
              .tag("method", method)
              // Fixed buckets from a fast API answer to a call that hit its deadline: enough for
              // a p99 panel, 12 series per method (docs/metrics.md).
              .serviceLevelObjectives(PLUGIN_CALL_BUCKETS)
              .register(registry);
      timers
          .computeIfAbsent(
              "fleetscaler_plugin_call_duration_seconds|" + method,
              k -> new CopyOnWriteArrayList<>())
          .add(timer);
    }
    for (String name :
        List.of(
            "fleeting_provisioner_instance_creation_time_seconds",
            "fleeting_provisioner_instance_is_running_time_seconds",
            "fleeting_provisioner_instance_deletion_time_seconds",
            "fleeting_provisioner_instance_life_duration_seconds",
            "fleeting_taskscaler_task_instance_readiness_time_seconds")) {
      Timer timer =
          Timer.builder(ScalerMetrics.meterName(name))
              .description(MeterHelp.of(name))
              .serviceLevelObjectives(buckets(name))
              .register(registry);
      timers.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(timer);
    }
  }

  /**
   * Upper bounds (seconds) of the lifecycle histograms' buckets: from a container's second to half
   * an hour, where VM boots, readiness commands and deletions fall (gitlab-runner's fleeting uses a
   * similar fixed set). Micrometer's default percentile histogram had about 70 buckets per
   * histogram and group, most of them below a second where no VM ever boots.
   */
  static final List<Double> BOOT_BUCKETS =
      List.of(
          1.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 240.0, 300.0,
          600.0, 900.0, 1800.0);

  /** Upper bounds (seconds) of the instance life duration's buckets: a minute to a week. */
  static final List<Double> LIFE_BUCKETS =
      List.of(
          60.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 14_400.0, 28_800.0, 86_400.0, 172_800.0,
          604_800.0);

  private static Duration[] buckets(String name) {
    List<Double> seconds =
        name.equals("fleeting_provisioner_instance_life_duration_seconds")
            ? LIFE_BUCKETS
            : BOOT_BUCKETS;
    return seconds.stream()
        .map(s -> Duration.ofMillis(Math.round(s * 1000)))
        .toArray(Duration[]::new);
  }
}
