package io.fleetscaler.daemon.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import org.jspecify.annotations.Nullable;

/**
 * The daemon's Prometheus registry with the JVM and process meters, named so that {@code promtool
 * check metrics} accepts the whole exposition: Micrometer's {@code process.cpu.time} (nanoseconds,
 * rendered {@code process_cpu_time_ns_total}) is replaced by the conventional {@code
 * process_cpu_seconds_total}, and {@code system.cpu.count} (a gauge whose {@code _count} suffix
 * Prometheus reserves for histograms) is exposed as {@code system_cpus}.
 */
public final class DaemonMeters {
  private DaemonMeters() {}

  /** A new registry with the JVM, process and uptime meters bound. */
  public static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry
        .config()
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
              }
            });
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    com.sun.management.OperatingSystemMXBean os = operatingSystem();
    if (os != null) {
      FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9)
          .baseUnit("seconds")
          .description("CPU time the daemon's process has used")
          .register(registry);
    }
    return registry;
  }

  private static com.sun.management.@Nullable OperatingSystemMXBean operatingSystem() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os
        : null;
  }
}
