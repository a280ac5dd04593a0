package io.fleetscaler.daemon.simulate;

import io.fleetscaler.core.policy.DemandSizing;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.plugin.api.GoDuration;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Scaling settings given as command-line values, each possibly a comma-separated list: every
 * combination is one variant, named after the settings that vary. Extra policies ({@code --policy
 * 'key=value; ...'}) follow the base policy the flags describe, and take from it every key they do
 * not set.
 */
final class ScalingVariants {

  /** One combination: its name and how it sets up a scaler. */
  record Variant(String name, UnaryOperator<TaskScaler.Builder> options) {}

  /** The settings in the order they are combined and named; values as given. */
  private final LinkedHashMap<String, List<String>> axes = new LinkedHashMap<>();

  private final List<String> policySpecs;

  ScalingVariants(Map<String, String> settings, List<String> policySpecs) {
    for (Map.Entry<String, String> e : settings.entrySet()) {
      List<String> values = new ArrayList<>();
      for (String v : e.getValue().split(",", -1)) {
        String value = v.strip();
        if (value.isEmpty()) {
          throw new IllegalArgumentException(
              e.getKey() + ": empty value in list '" + e.getValue() + "'");
        }
        values.add(value);
      }
      axes.put(e.getKey(), values);
    }
    this.policySpecs = List.copyOf(policySpecs);
  }

  /**
   * Every combination, first setting varying slowest.
   *
   * @throws IllegalArgumentException naming the setting and value that is invalid
   */
  List<Variant> variants() {
    List<Map<String, String>> combinations = new ArrayList<>();
    combinations.add(new LinkedHashMap<>());
    for (Map.Entry<String, List<String>> axis : axes.entrySet()) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> partial : combinations) {
        for (String value : axis.getValue()) {
          Map<String, String> c = new LinkedHashMap<>(partial);
          c.put(axis.getKey(), value);
          next.add(c);
        }
      }
      combinations = next;
    }
    List<Variant> variants = new ArrayList<>();
    for (Map<String, String> c : combinations) {
      variants.add(variant(c));
    }
    return variants;
  }

  private Variant variant(Map<String, String> c) {
    int capacity = integer(c, "capacity_per_instance");
    int maxUse = integer(c, "max_use_count");
    int maxInstances = integer(c, "max_instances");
    Duration update = duration(c, "update_interval");
    Duration expecting = duration(c, "update_interval_when_expecting");
    Policy base = basePolicy(c);
    List<Policy> policies = new ArrayList<>();
    policies.add(base);
    for (String spec : policySpecs) {
      policies.add(policy(spec, base));
    }
    List<Policy> fixed = List.copyOf(policies);
    StringBuilder name = new StringBuilder();
    for (Map.Entry<String, String> e : c.entrySet()) {
      if (axes.getOrDefault(e.getKey(), List.of()).size() > 1) {
        name.append(name.isEmpty() ? "" : " ").append(e.getKey()).append('=').append(e.getValue());
      }
    }
    return new Variant(
        name.isEmpty() ? "config" : name.toString(),
        b ->
            b.capacityPerInstance(capacity)
                .maxUseCount(maxUse)
                .maxInstances(maxInstances)
                .updateInterval(update)
                .updateIntervalWhenExpecting(expecting)
                .policies(fixed));
  }

  private static Policy basePolicy(Map<String, String> c) {
    int idleCount = integer(c, "idle_count");
    String preemptive = c.getOrDefault("preemptive_mode", "default");
    return new Policy(
        List.of(Policy.ALWAYS),
        ZoneOffset.UTC,
        idleCount,
        duration(c, "idle_time"),
        number(c, "scale_factor"),
        integer(c, "scale_factor_limit"),
        preemptive.equals("default") ? idleCount > 0 : bool("preemptive_mode", preemptive),
        integer(c, "standby_count"),
        duration(c, "standby_max_age"),
        demandSizing(c));
  }

  /** The demand sizing keys, each off (or at its default) when the settings leave it out. */
  private static DemandSizing demandSizing(Map<String, String> c) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("idle_lead", "0s");
    d.put("standby_burst_factor", "0");
    d.put("demand_window", GoDuration.format(DemandSizing.DEFAULT_WINDOW));
    d.replaceAll(c::getOrDefault);
    return new DemandSizing(
        duration(d, "idle_lead"), number(d, "standby_burst_factor"), duration(d, "demand_window"));
  }

  /** Parses {@code 'periods=* 8-18 * * 1-5 | ...; idle_count=10; ...'} over {@code base}. */
  static Policy policy(String spec, Policy base) {
    Map<String, String> keys = policyKeys(spec);
    List<String> periods = base.periods();
    ZoneId zone = base.timezone();
    int idleCount = base.idleCount();
    Duration idleTime = base.idleTime();
    double factor = base.scaleFactor();
    int limit = base.scaleFactorLimit();
    Boolean preemptive = null;
    int standbyCount = base.standbyCount();
    Duration standbyMaxAge = base.standbyMaxAge();
    Duration idleLead = base.demand().idleLead();
    double burstFactor = base.demand().standbyBurstFactor();
    Duration window = base.demand().window();
    for (Map.Entry<String, String> e : keys.entrySet()) {
      String v = e.getValue();
      Map<String, String> one = Map.of(e.getKey(), v);
      switch (e.getKey()) {
        case "periods" -> periods = List.of(v.split("\\|")).stream().map(String::strip).toList();
        case "timezone" -> zone = zone(v);
        case "idle_count" -> idleCount = integer(one, "idle_count");
        case "idle_time" -> idleTime = duration(one, "idle_time");
        case "scale_factor" -> factor = number(one, "scale_factor");
        case "scale_factor_limit" -> limit = integer(one, "scale_factor_limit");
        case "preemptive_mode" -> preemptive = bool("preemptive_mode", v);
        case "standby_count" -> standbyCount = integer(one, "standby_count");
        case "standby_max_age" -> standbyMaxAge = duration(one, "standby_max_age");
        case "idle_lead" -> idleLead = duration(one, "idle_lead");
        case "standby_burst_factor" -> burstFactor = number(one, "standby_burst_factor");
        case "demand_window" -> window = duration(one, "demand_window");
        default ->
            throw new IllegalArgumentException(
                "--policy '"
                    + spec
                    + "': unknown key '"
                    + e.getKey()
                    + "' (periods, timezone, idle_count, idle_time, scale_factor,"
                    + " scale_factor_limit, preemptive_mode, standby_count, standby_max_age,"
                    + " idle_lead, standby_burst_factor, demand_window)");
      }
    }
    boolean mode = preemptive != null ? preemptive : idleCount > 0;
    return new Policy(
        periods,
        zone,
        idleCount,
        idleTime,
        factor,
        limit,
        mode,
        standbyCount,
        standbyMaxAge,
        new DemandSizing(idleLead, burstFactor, window));
  }

  /** The {@code key=value} pairs of a {@code --policy} spec, keys lower-cased, in order. */
  private static Map<String, String> policyKeys(String spec) {
    Map<String, String> keys = new LinkedHashMap<>();
    for (String part : spec.split(";", -1)) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "--policy '" + spec + "': expected key=value, got '" + part.strip() + "'");
      }
      keys.put(
          part.substring(0, eq).strip().toLowerCase(Locale.ROOT), part.substring(eq + 1).strip());
    }
    return keys;
  }

  private static ZoneId zone(String v) {
    try {
      return ZoneId.of(v);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("timezone: unknown zone '" + v + "'", e);
    }
  }

  private static int integer(Map<String, String> c, String key) {
    String v = value(c, key);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": expected an integer, got '" + v + "'", e);
    }
  }

  private static double number(Map<String, String> c, String key) {
    String v = value(c, key);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": expected a number, got '" + v + "'", e);
    }
  }

  private static Duration duration(Map<String, String> c, String key) {
    try {
      return GoDuration.parse(value(c, key));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  private static boolean bool(String key, String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(key + ": expected true or false, got '" + v + "'");
    };
  }

  private static String value(Map<String, String> c, String key) {
    String v = c.get(key);
    if (v == null) {
      throw new IllegalStateException("no value for " + key);
    }
    return v;
  }
}
