package io.fleetscaler.core.policy;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One {@code [[policy]]} entry: how much idle capacity to keep while one of its periods is active.
 *
 * <p>Each period is a 5-field cron expression (minute, hour, day of month, month, day of week) read
 * as a time range: the policy is active during every minute the expression matches, in {@link
 * #timezone}. Construction validates every field and reports all problems in one {@link
 * IllegalArgumentException} whose message names each field and its value.
 *
 * @param periods cron expressions, at least one; {@code "* * * * *"} is always active
 * @param timezone the zone in which periods are read
 * @param idleCount idle slots to keep ready, at least 0
 * @param idleTime how long an instance stays idle before it may be removed, at least 1 second
 * @param scaleFactor extra idle slots per slot in use, at least 0 (0 turns it off)
 * @param scaleFactorLimit the most idle slots the scale factor may ask for, at least 0 (0 = no
 *     limit)
 * @param preemptiveMode true: reservations only succeed against ready idle slots; false:
 *     reservations are accepted up to the fleet's maximum capacity and instances are created when
 *     work is acquired
 * @param standbyCount suspended instances to keep in the standby pool, at least 0 (0: no pool);
 *     Fleetscaler's own key, not gitlab-runner's, and only used when the plugin declares {@code
 *     suspend_resume}
 * @param standbyMaxAge how long an instance may stay suspended before it is deleted and replaced by
 *     a fresh one, {@link Duration#ZERO} for no limit; Fleetscaler's own key
 * @param demand idle and standby targets sized from recent demand above the fixed counts ({@code
 *     idle_lead}, {@code standby_burst_factor}, {@code demand_window}); Fleetscaler's own keys,
 *     {@link DemandSizing#OFF} by default
 */
public record Policy(
    List<String> periods,
    ZoneId timezone,
    int idleCount,
    Duration idleTime,
    double scaleFactor,
    int scaleFactorLimit,
    boolean preemptiveMode,
    int standbyCount,
    Duration standbyMaxAge,
    DemandSizing demand) {

  /** The period that is always active. */
  public static final String ALWAYS = "* * * * *";

  /** {@code idle_time} when none is given. */
  public static final Duration DEFAULT_IDLE_TIME = Duration.ofMinutes(5);

  /** The policy used when none matches: always active, no idle capacity, not preemptive. */
  public static final Policy DEFAULT = of(0);

  public Policy {
    Objects.requireNonNull(periods, "periods");
    Objects.requireNonNull(timezone, "timezone");
    Objects.requireNonNull(idleTime, "idleTime");
    Objects.requireNonNull(standbyMaxAge, "standbyMaxAge");
    Objects.requireNonNull(demand, "demand");
    periods = List.copyOf(periods);
    List<String> errors = new ArrayList<>();
    if (periods.isEmpty()) {
      errors.add("periods: at least one cron expression is required, got []");
    }
    for (int i = 0; i < periods.size(); i++) {
      String problem = CronPeriod.problem(periods.get(i));
      if (problem != null) {
        errors.add("periods[" + i + "]: '" + periods.get(i) + "' " + problem);
      }
    }
    if (idleCount < 0) {
      errors.add("idle_count: must be >= 0, got " + idleCount);
    }
    if (idleTime.compareTo(Duration.ofSeconds(1)) < 0) {
      errors.add("idle_time: must be >= 1s, got " + idleTime);
    }
    if (!(scaleFactor >= 0) || !Double.isFinite(scaleFactor)) {
      errors.add("scale_factor: must be finite and >= 0, got " + scaleFactor);
    }
    if (scaleFactorLimit < 0) {
      errors.add("scale_factor_limit: must be >= 0 (0 = no limit), got " + scaleFactorLimit);
    }
    if (standbyCount < 0) {
      errors.add("standby_count: must be >= 0, got " + standbyCount);
    }
    if (standbyMaxAge.isNegative()) {
      errors.add("standby_max_age: must be >= 0 (0 = no limit), got " + standbyMaxAge);
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("invalid policy: " + String.join("; ", errors));
    }
  }

  /** A policy whose targets are not sized from demand: the fixed counts alone. */
  public Policy(
      List<String> periods,
      ZoneId timezone,
      int idleCount,
      Duration idleTime,
      double scaleFactor,
      int scaleFactorLimit,
      boolean preemptiveMode,
      int standbyCount,
      Duration standbyMaxAge) {
    this(
        periods,
        timezone,
        idleCount,
        idleTime,
        scaleFactor,
        scaleFactorLimit,
        preemptiveMode,
        standbyCount,
        standbyMaxAge,
        DemandSizing.OFF);
  }

  /** A policy without a standby pool, as gitlab-runner's {@code [[policy]]} has none. */
  public Policy(
      List<String> periods,
      ZoneId timezone,
      int idleCount,
      Duration idleTime,
      double scaleFactor,
      int scaleFactorLimit,
      boolean preemptiveMode) {
    this(
        periods,
        timezone,
        idleCount,
        idleTime,
        scaleFactor,
        scaleFactorLimit,
        preemptiveMode,
        0,
        Duration.ZERO);
  }

  /**
   * An always-active policy in UTC keeping {@code idleCount} idle slots, with the default idle
   * time, no scale factor and {@code preemptive_mode} defaulted to {@code idleCount > 0}.
   */
  public static Policy of(int idleCount) {
    return new Policy(
        List.of(ALWAYS), ZoneOffset.UTC, idleCount, DEFAULT_IDLE_TIME, 0, 0, idleCount > 0);
  }

  /** The same policy active during {@code value} instead. */
  public Policy withPeriods(List<String> value) {
    Draft d = new Draft(this);
    d.periods = value;
    return d.build();
  }

  /** The same policy with periods read in {@code value}. */
  public Policy withTimezone(ZoneId value) {
    Draft d = new Draft(this);
    d.timezone = value;
    return d.build();
  }

  /**
   * The same policy keeping {@code value} idle slots. {@code preemptive_mode} keeps its explicit
   * value; use {@link #withPreemptiveMode} to change it.
   */
  public Policy withIdleCount(int value) {
    Draft d = new Draft(this);
    d.idleCount = value;
    return d.build();
  }

  public Policy withIdleTime(Duration value) {
    Draft d = new Draft(this);
    d.idleTime = value;
    return d.build();
  }

  public Policy withScaleFactor(double factor, int limit) {
    Draft d = new Draft(this);
    d.scaleFactor = factor;
    d.scaleFactorLimit = limit;
    return d.build();
  }

  public Policy withPreemptiveMode(boolean value) {
    Draft d = new Draft(this);
    d.preemptiveMode = value;
    return d.build();
  }

  /** The same policy keeping {@code count} suspended instances, each at most {@code maxAge}. */
  public Policy withStandby(int count, Duration maxAge) {
    Draft d = new Draft(this);
    d.standbyCount = count;
    d.standbyMaxAge = maxAge;
    return d.build();
  }

  /** The same policy with its targets sized from recent demand by {@code value}. */
  public Policy withDemand(DemandSizing value) {
    Draft d = new Draft(this);
    d.demand = value;
    return d.build();
  }

  /**
   * Idle slots to keep when {@code inUse} slots are reserved or acquired: {@code idle_count}, or
   * with a scale factor {@code max(idle_count, min(ceil(scale_factor * inUse),
   * scale_factor_limit))} (no limit when {@code scale_factor_limit} is 0).
   */
  public long idleTarget(long inUse) {
    if (scaleFactor == 0) {
      return idleCount;
    }
    double scaled = Math.ceil(scaleFactor * Math.max(0, inUse));
    long byFactor = scaled >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) scaled;
    if (scaleFactorLimit > 0) {
      byFactor = Math.min(byFactor, scaleFactorLimit);
    }
    return Math.max(idleCount, byFactor);
  }

  /** A policy's fields being changed by a wither; {@link #build} validates them. */
  private static final class Draft {
    List<String> periods;
    ZoneId timezone;
    int idleCount;
    Duration idleTime;
    double scaleFactor;
    int scaleFactorLimit;
    boolean preemptiveMode;
    int standbyCount;
    Duration standbyMaxAge;
    DemandSizing demand;

    Draft(Policy p) {
      periods = p.periods;
      timezone = p.timezone;
      idleCount = p.idleCount;
      idleTime = p.idleTime;
      scaleFactor = p.scaleFactor;
      scaleFactorLimit = p.scaleFactorLimit;
      preemptiveMode = p.preemptiveMode;
      standbyCount = p.standbyCount;
      standbyMaxAge = p.standbyMaxAge;
      demand = p.demand;
    }

    Policy build() {
      return new Policy(
          periods,
          timezone,
          idleCount,
          idleTime,
          scaleFactor,
          scaleFactorLimit,
          preemptiveMode,
          standbyCount,
          standbyMaxAge,
          demand);
    }
  }
}
