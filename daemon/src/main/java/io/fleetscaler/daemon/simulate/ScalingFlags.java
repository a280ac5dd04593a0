package io.fleetscaler.daemon.simulate;

import io.fleetscaler.simulator.Scenario;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code simulate} flags that set the scaling options, each a comma-separated list of values,
 * and the extra policies. A picocli mixin of {@link SimulateCommand}; owns these flags' names
 * ({@link #NAMES}, refused beside {@code --config}) and turning them into one scenario per
 * combination through {@link ScalingVariants}.
 */
final class ScalingFlags {

  /** The scaling flags, refused with {@code --config}. */
  static final List<String> NAMES =
      List.of(
          "--capacity",
          "--max-use",
          "--max-instances",
          "--idle-count",
          "--idle-time",
          "--scale-factor",
          "--scale-factor-limit",
          "--preemptive",
          "--standby-count",
          "--standby-max-age",
          "--idle-lead",
          "--standby-burst-factor",
          "--demand-window",
          "--update-interval",
          "--update-interval-when-expecting",
          "--policy");

  @Option(names = "--capacity", defaultValue = "1", description = "capacity_per_instance (1).")
  String capacity = "1";

  @Option(names = "--max-use", defaultValue = "0", description = "max_use_count (0: unlimited).")
  String maxUse = "0";

  @Option(names = "--max-instances", defaultValue = "1000", description = "max_instances (1000).")
  String maxInstances = "1000";

  @Option(names = "--idle-count", defaultValue = "0", description = "idle_count (0).")
  String idleCount = "0";

  @Option(names = "--idle-time", defaultValue = "5m", description = "idle_time (5m).")
  String idleTime = "5m";

  @Option(names = "--scale-factor", defaultValue = "0", description = "scale_factor (0: off).")
  String scaleFactor = "0";

  @Option(
      names = "--scale-factor-limit",
      defaultValue = "0",
      description = "scale_factor_limit (0: none).")
  String scaleFactorLimit = "0";

  @Option(
      names = "--preemptive",
      defaultValue = "default",
      description = "preemptive_mode: true, false or default (idle_count > 0).")
  String preemptive = "default";

  @Option(
      names = "--standby-count",
      defaultValue = "0",
      description = "standby_count: suspended instances to keep (0: no pool; needs --resume).")
  String standbyCount = "0";

  @Option(
      names = "--standby-max-age",
      defaultValue = "0s",
      description = "standby_max_age: how long an instance may stay suspended (0s: no limit).")
  String standbyMaxAge = "0s";

  @Option(
      names = "--idle-lead",
      defaultValue = "0s",
      description =
          "idle_lead: keep idle the jobs expected within this time at the recent rate (0s: off).")
  String idleLead = "0s";

  @Option(
      names = "--standby-burst-factor",
      defaultValue = "0",
      description =
          "standby_burst_factor: pool size per job of the largest recent one-minute burst (0: off).")
  String standbyBurstFactor = "0";

  @Option(
      names = "--demand-window",
      defaultValue = "30m",
      description =
          "demand_window: how far back --idle-lead and --standby-burst-factor read (30m).")
  String demandWindow = "30m";

  @Option(names = "--update-interval", defaultValue = "1m", description = "update_interval (1m).")
  String updateInterval = "1m";

  @Option(
      names = "--update-interval-when-expecting",
      defaultValue = "2s",
      description = "update_interval_when_expecting (2s).")
  String updateIntervalWhenExpecting = "2s";

  @Option(
      names = "--policy",
      description =
          "An extra policy after the base one (last match wins), e.g. 'periods=* 8-19 * * 1-5;"
              + " idle_count=10; idle_time=20m'; keys not given come from the base policy; periods"
              + " separated by |. Repeatable.")
  List<String> policies = new ArrayList<>();

  /**
   * One scenario per combination of the values given, each with {@code shared} applied; throws
   * {@link IllegalArgumentException} naming the first invalid setting.
   */
  List<Scenario> scenarios(CloudFlags.Shared shared) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("capacity_per_instance", capacity);
    settings.put("max_use_count", maxUse);
    settings.put("max_instances", maxInstances);
    settings.put("idle_count", idleCount);
    settings.put("idle_time", idleTime);
    settings.put("scale_factor", scaleFactor);
    settings.put("scale_factor_limit", scaleFactorLimit);
    settings.put("preemptive_mode", preemptive);
    settings.put("standby_count", standbyCount);
    settings.put("standby_max_age", standbyMaxAge);
    settings.put("idle_lead", idleLead);
    settings.put("standby_burst_factor", standbyBurstFactor);
    settings.put("demand_window", demandWindow);
    settings.put("update_interval", updateInterval);
    settings.put("update_interval_when_expecting", updateIntervalWhenExpecting);
    List<Scenario> scenarios = new ArrayList<>();
    for (ScalingVariants.Variant v : new ScalingVariants(settings, policies).variants()) {
      scenarios.add(shared.applyTo(Scenario.of(v.name(), v.options())));
    }
    return scenarios;
  }
}
