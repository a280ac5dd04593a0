package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.plugin.api.ProviderException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The scaler's meters under fleeting's names (so GitLab's dashboards keep working) plus {@code
 * fleetscaler_*}. The scaler only bumps plain counters ({@link LongAdder}s) and, on the control
 * path, records durations; Micrometer reads the counters when it scrapes, so the request path never
 * touches a meter. Thread-safe.
 */
final class ScalerMetrics implements MeterBinder {

  /** The slot state names of {@code fleeting_taskscaler_tasks}. */
  static final List<String> TASK_STATES =
      List.of("idle", "pending", "reserved", "acquired", "unavailable", "unhealthy");

  /** The causes of {@code fleetscaler_instance_losses_total}. */
  static final List<String> LOSS_CAUSES =
      List.of("vanished", "deleted_by_cloud", "timeout", "heartbeat");

  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final ScalerHistograms histograms = new ScalerHistograms();
  private final Supplier<Map<String, Integer>> instancesByState;
  private final Supplier<Map<String, Long>> tasksByState;
  private final IntSupplier idleTarget;
  private final int maxInstances;
  private final int capacityPerInstance;
  private final int maxUseCount;
  private volatile int desired;

  ScalerMetrics(
      Supplier<Map<String, Integer>> instancesByState,
      Supplier<Map<String, Long>> tasksByState,
      IntSupplier idleTarget,
      int maxInstances,
      int capacityPerInstance,
      int maxUseCount) {
    this.instancesByState = instancesByState;
    this.tasksByState = tasksByState;
    this.idleTarget = idleTarget;
    this.maxInstances = maxInstances;
    this.capacityPerInstance = capacityPerInstance;
    this.maxUseCount = maxUseCount;
  }

  private LongAdder counter(String name, String tag, String value) {
    return counters.computeIfAbsent(name + '|' + tag + '|' + value, k -> new LongAdder());
  }

  /** The value of a counter, for tests and snapshots. */
  long count(String name, String tag, String value) {
    return counter(name, tag, value).sum();
  }

  void operation(String op) {
    counter("fleeting_provisioner_instance_operations_total", "operation", op).increment();
  }

  void missedUpdate(RuntimeException e) {
    counter("fleeting_provisioner_missed_updates_total", "", "").increment();
    if (e instanceof ProviderException p) {
      providerError(p);
    }
  }

  void vanished() {
    counter("fleetscaler_instances_vanished_total", "", "").increment();
  }

  /**
   * An instance was lost without the scaler deleting it: {@code vanished} from the plugin's
   * reports, {@code deleted_by_cloud}, {@code timeout} in the cloud, or failed {@code heartbeat}s.
   */
  void lost(String cause) {
    counter("fleetscaler_instance_losses_total", "cause", cause).increment();
  }

  void failedCreation() {
    counter("fleetscaler_instance_creations_failed_total", "", "").increment();
  }

  /**
   * The counter of one task operation, resolved once so that the request path only increments a
   * {@link LongAdder}: no lookup, no allocation.
   */
  LongAdder taskOperation(String op) {
    return counter("fleeting_taskscaler_task_operations_total", "operation", op);
  }

  void scaled(String direction, int n) {
    if (n > 0) {
      counter("fleeting_taskscaler_scale_operations_total", "operation", direction).add(n);
    }
  }

  void deleted(DeletionReason reason) {
    counter("fleetscaler_instance_deletions_total", "reason", reason.label()).increment();
  }

  void didNotScale(String reason) {
    counter("fleetscaler_did_not_scale_total", "reason", reason).increment();
  }

  void providerError(ProviderException e) {
    String category =
        switch (e) {
          case ProviderException.NotFound n -> "not_found";
          case ProviderException.Unhealthy u -> "unhealthy";
          case ProviderException.Capacity c -> "capacity";
          case ProviderException.Unavailable u -> "unavailable";
          case ProviderException.InvalidConfig i -> "invalid_config";
          case ProviderException.Unsupported u -> "unsupported";
        };
    counter("fleetscaler_provider_errors_total", "category", category).increment();
  }

  /** An increase of {@code n} ended without a usable answer. */
  void ambiguityOpened(int n) {
    counter("fleetscaler_ambiguous_instances_total", "outcome", "opened").add(n);
  }

  /** {@code n} instances of open ambiguities were {@code adopted} or {@code expired}. */
  void ambiguityResolved(String outcome, int n) {
    counter("fleetscaler_ambiguous_instances_total", "outcome", outcome).add(n);
  }

  /**
   * The plugin methods whose calls are counted and timed: the provisioner's, the heartbeats (on a
   * timer and before acquisitions) and {@code connect_info} (acquisitions' and the connector's).
   */
  static final List<String> PLUGIN_METHODS =
      List.of("update", "increase", "decrease", "heartbeat", "connect_info", "suspend", "resume");

  /** One plugin call ended: {@code ok} or {@code error}, after {@code nanos}. */
  void pluginCall(String method, boolean ok, long nanos) {
    pluginCall(method, ok ? "ok" : "error", nanos);
  }

  /** One plugin call ended: {@code ok}, {@code error} or {@code timeout}, after {@code nanos}. */
  void pluginCall(String method, String outcome, long nanos) {
    counter("fleetscaler_plugin_calls_total", "method|outcome", method + '|' + outcome).increment();
    histograms.pluginCall(method, nanos);
  }

  private volatile Supplier<Duration> updateAge = () -> Duration.ZERO;

  /** Where the age of the last successful update comes from. */
  void updateAge(Supplier<Duration> source) {
    updateAge = source;
  }

  void desired(int value) {
    desired = value;
  }

  void creationTime(Duration d) {
    record("fleeting_provisioner_instance_creation_time_seconds", d);
  }

  void isRunningTime(Duration d) {
    record("fleeting_provisioner_instance_is_running_time_seconds", d);
  }

  void deletionTime(Duration d) {
    record("fleeting_provisioner_instance_deletion_time_seconds", d);
  }

  void lifeDuration(Duration d) {
    record("fleeting_provisioner_instance_life_duration_seconds", d);
  }

  void readinessTime(Duration d) {
    record("fleeting_taskscaler_task_instance_readiness_time_seconds", d);
  }

  private void record(String name, Duration d) {
    histograms.record(name, d);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    bindGauges(registry);
    bindCounters(registry);
    histograms.bindTo(registry);
  }

  private void bindGauges(MeterRegistry registry) {
    for (String state :
        List.of(
            "requested",
            "creating",
            "running",
            "ready",
            "unhealthy",
            "draining",
            "deleting",
            "timeout",
            "preexisting",
            "ambiguous",
            "suspended",
            "resuming")) {
      Gauge.builder(
              meterName("fleeting_provisioner_instances"),
              () -> instancesByState.get().getOrDefault(state, 0))
          .description(help("fleeting_provisioner_instances"))
          .tag("state", state)
          .register(registry);
    }
    Gauge.builder(meterName("fleeting_provisioner_max_instances"), () -> maxInstances)
        .description(help("fleeting_provisioner_max_instances"))
        .register(registry);
    for (String state : TASK_STATES) {
      Gauge.builder(
              meterName("fleeting_taskscaler_tasks"),
              () -> tasksByState.get().getOrDefault(state, 0L))
          .description(help("fleeting_taskscaler_tasks"))
          .tag("state", state)
          .register(registry);
    }
    Gauge.builder(
            meterName("fleeting_taskscaler_max_tasks_per_instance"), () -> capacityPerInstance)
        .description(help("fleeting_taskscaler_max_tasks_per_instance"))
        .register(registry);
    Gauge.builder(meterName("fleeting_taskscaler_max_use_count_per_instance"), () -> maxUseCount)
        .description(help("fleeting_taskscaler_max_use_count_per_instance"))
        .register(registry);
    Gauge.builder(meterName("fleeting_taskscaler_desired_instances"), () -> desired)
        .description(help("fleeting_taskscaler_desired_instances"))
        .register(registry);
    // Read from the published policy schedule: a scrape never takes the scaler's lock.
    Gauge.builder(meterName("fleetscaler_policy_idle_target"), idleTarget::getAsInt)
        .description(help("fleetscaler_policy_idle_target"))
        .register(registry);
    Gauge.builder(
            meterName("fleetscaler_last_successful_update_age_seconds"),
            () -> updateAge.get().toMillis() / 1000.0)
        .description(help("fleetscaler_last_successful_update_age_seconds"))
        .register(registry);
  }

  /** Every labelled counter, from the start: dashboards see zeros, not gaps. */
  private void bindCounters(MeterRegistry registry) {
    for (String op : List.of("update", "increase", "decrease", "suspend", "resume")) {
      counter("fleeting_provisioner_instance_operations_total", "operation", op);
    }
    for (String op : List.of("reserve", "unreserve", "acquire", "release")) {
      counter("fleeting_taskscaler_task_operations_total", "operation", op);
    }
    for (String op : List.of("up", "down")) {
      counter("fleeting_taskscaler_scale_operations_total", "operation", op);
    }
    for (DeletionReason r : DeletionReason.values()) {
      counter("fleetscaler_instance_deletions_total", "reason", r.label());
    }
    for (String r : List.of("throttled", "max_instances", "backoff", "quota", "provider_error")) {
      counter("fleetscaler_did_not_scale_total", "reason", r);
    }
    for (String cause : LOSS_CAUSES) {
      counter("fleetscaler_instance_losses_total", "cause", cause);
    }
    counter("fleeting_provisioner_missed_updates_total", "", "");
    counter("fleetscaler_instances_vanished_total", "", "");
    counter("fleetscaler_instance_creations_failed_total", "", "");
    for (String outcome : List.of("opened", "adopted", "expired")) {
      counter("fleetscaler_ambiguous_instances_total", "outcome", outcome);
    }
    for (String method : PLUGIN_METHODS) {
      for (String outcome : List.of("ok", "error", "timeout")) {
        counter("fleetscaler_plugin_calls_total", "method|outcome", method + '|' + outcome);
      }
    }
    for (Map.Entry<String, LongAdder> e : counters.entrySet()) {
      // name|tag|value, or name|tag1|tag2|value1|value2 for two tags
      String[] parts = e.getKey().split("\\|", -1);
      FunctionCounter.Builder<LongAdder> b =
          FunctionCounter.builder(meterName(parts[0]), e.getValue(), LongAdder::sum)
              .description(help(parts[0]));
      if (parts.length == 5) {
        b.tag(parts[1], parts[3]).tag(parts[2], parts[4]);
      } else if (!parts[1].isEmpty()) {
        b.tag(parts[1], parts[2]);
      }
      b.register(registry);
    }
    // Provider error categories appear when first seen; bind the known ones now.
    for (String c :
        List.of(
            "not_found", "unhealthy", "capacity", "unavailable", "invalid_config", "unsupported")) {
      FunctionCounter.builder(
              meterName("fleetscaler_provider_errors_total"),
              counter("fleetscaler_provider_errors_total", "category", c),
              LongAdder::sum)
          .description(help("fleetscaler_provider_errors_total"))
          .tag("category", c)
          .register(registry);
    }
  }

  private static String help(String prometheusName) {
    return MeterHelp.of(prometheusName);
  }

  /**
   * The Micrometer name whose Prometheus rendering is {@code prometheusName}: dotted, without the
   * {@code _total} and {@code _seconds} suffixes that the Prometheus naming convention adds back.
   */
  static String meterName(String prometheusName) {
    String base = prometheusName;
    for (String suffix : List.of("_total", "_seconds")) {
      if (base.endsWith(suffix)) {
        base = base.substring(0, base.length() - suffix.length());
      }
    }
    return base.replace('_', '.').toLowerCase(Locale.ROOT);
  }
}
