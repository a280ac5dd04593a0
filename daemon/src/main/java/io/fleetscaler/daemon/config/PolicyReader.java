package io.fleetscaler.daemon.config;

import io.fleetscaler.core.policy.DemandSizing;
import io.fleetscaler.core.policy.Policy;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads one {@code [[policy]]} table. The checks are {@link Policy}'s own (cron periods, ranges):
 * its one {@link IllegalArgumentException} is split back into one error per field, each placed on
 * its key's line.
 */
final class PolicyReader {

  /** Splits "invalid policy: a: x; b[0]: y" at each "; field:" boundary. */
  private static final Pattern FIELD_BOUNDARY = Pattern.compile("; (?=[a-z_]+(?:\\[\\d+])?: )");

  private static final Pattern FIELD = Pattern.compile("^([a-z_]+)(?:\\[(\\d+)])?: (.*)$");

  private PolicyReader() {}

  static @Nullable Policy read(TableReader t) {
    List<String> periods = t.strings("periods");
    ZoneId zone = zone(t);
    int idleCount = t.integer("idle_count", 0, 0, Integer.MAX_VALUE);
    Duration idleTime = t.duration("idle_time", Policy.DEFAULT_IDLE_TIME, false);
    double scaleFactor = t.number("scale_factor", 0);
    int scaleFactorLimit = t.integer("scale_factor_limit", 0, 0, Integer.MAX_VALUE);
    boolean preemptive = t.bool("preemptive_mode", idleCount > 0);
    // Fleetscaler's own keys (gitlab-runner has no standby pool): off by default.
    int standbyCount = t.integer("standby_count", 0, 0, Integer.MAX_VALUE);
    Duration standbyMaxAge = t.duration("standby_max_age", Duration.ZERO, false);
    Duration idleLead = t.duration("idle_lead", Duration.ZERO, false);
    double burstFactor = t.number("standby_burst_factor", 0);
    Duration demandWindow = t.duration("demand_window", DemandSizing.DEFAULT_WINDOW, false);
    Duration idleWindow = t.duration("idle_window", Duration.ZERO, false);
    if (preemptive && idleCount == 0) {
      // Preemptive mode hands out only slots that are idle already, and with no idle target the
      // scaler never makes any: every job would wait until its timeout.
      t.warn(
          "preemptive_mode",
          "true with idle_count = 0: no instance is ever kept idle, so no job is ever handed a"
              + " slot; set idle_count above 0 or preemptive_mode = false");
    }
    t.finish();
    try {
      DemandSizing demand;
      try {
        demand = new DemandSizing(idleLead, burstFactor, demandWindow, idleWindow);
      } catch (IllegalArgumentException e) {
        report(t, String.valueOf(e.getMessage()));
        return null;
      }
      return new Policy(
          periods == null ? List.of(Policy.ALWAYS) : periods,
          zone,
          idleCount,
          idleTime,
          scaleFactor,
          scaleFactorLimit,
          preemptive,
          standbyCount,
          standbyMaxAge,
          demand);
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      // The policy quotes a duration as Java prints it ("PT0.5S"): quote what the file says.
      Object written = t.has("idle_time") ? t.raw("idle_time") : null;
      if (written instanceof String w) {
        message =
            message.replace(
                "idle_time: must be >= 1s, got " + idleTime,
                "idle_time: must be >= 1s, got \"" + w + "\"");
      }
      report(t, message);
      return null;
    }
  }

  /** gitlab-runner reads an empty or {@code Local} timezone as the machine's own. */
  private static ZoneId zone(TableReader t) {
    String name = t.string("timezone", "");
    if (name.isEmpty() || name.equals("Local")) {
      return ZoneId.systemDefault();
    }
    try {
      return ZoneId.of(name);
    } catch (DateTimeException e) {
      t.error(
          "timezone",
          "unknown time zone \"" + name + "\" (expected an IANA name such as \"Europe/Berlin\")");
      return ZoneId.systemDefault();
    }
  }

  private static void report(TableReader t, String message) {
    String body = message.startsWith("invalid policy: ") ? message.substring(16) : message;
    for (String part : FIELD_BOUNDARY.splitAsStream(body).toList()) {
      Matcher m = FIELD.matcher(part);
      if (!m.matches()) {
        t.errorOnTable(part);
        continue;
      }
      String field = m.group(1);
      String key = m.group(2) == null ? field : field + "[" + m.group(2) + "]";
      // A field left at its default has no line of its own: lineOf falls back to the header's.
      t.errorAt(field, key, m.group(3));
    }
  }
}
