package io.fleetscaler.core.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Idle and standby targets sized from recent demand, on top of a policy's fixed {@code idle_count}
 * and {@code standby_count} (which stay the floors). Fleetscaler's own keys, off by default.
 *
 * <p>Demand is counted as acquisitions (one per job) in whole minutes over the last {@code window}.
 * With {@code idleLead} above zero the idle target is {@code max(idle_count, round(rate *
 * idleLead))} where {@code rate} is the acquisitions per second over the window: idle slots for the
 * jobs expected within {@code idleLead}, e.g. the resume time, so that a job takes an idle slot
 * while the one it emptied is resumed from the pool. With {@code standbyBurstFactor} above zero the
 * standby target is {@code max(standby_count, ceil(standbyBurstFactor * burst))} where {@code
 * burst} is the most acquisitions in one minute over the window: suspended instances for the bursts
 * just seen, large in busy hours and small at night, without a table per hour.
 *
 * <p>With {@code idleWindow} above zero the idle target reads a short memory instead of the
 * window's mean: {@code rate} is then an exponentially decaying average of the acquisitions with
 * that time constant ({@code recent / idleWindow}, where each acquisition counts {@code e^(-age /
 * idleWindow)} in {@code recent}). Jobs arrive in groups that follow each other within seconds to a
 * minute, so idle slots resumed right after a group meet the next one on their way, and the ones no
 * group took go back to the pool as the rate decays instead of running on. On average the target is
 * still {@code rate * idleLead} (the decaying average is unbiased), so by Little's law the idle
 * cost per job stays about {@code idleLead}; it is spent just after arrivals, where the next ones
 * come.
 *
 * @param idleLead seconds of recent demand to keep idle, {@link Duration#ZERO} for off ({@code
 *     idle_lead})
 * @param standbyBurstFactor pool size per job of the largest recent one-minute burst, 0 for off
 *     ({@code standby_burst_factor})
 * @param window how far back demand is read, 1 minute to 24 hours ({@code demand_window})
 * @param idleWindow the time constant of the decaying rate the idle target reads, 1 second to 1
 *     hour, or {@link Duration#ZERO} for the window's mean ({@code idle_window}); needs {@code
 *     idleLead}
 */
public record DemandSizing(
    Duration idleLead, double standbyBurstFactor, Duration window, Duration idleWindow) {

  /** The default window: the last half hour. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(30);

  /** The longest window, in whole minutes. */
  public static final int MAX_WINDOW_MINUTES = 24 * 60;

  /** Sizing off: the fixed counts alone. */
  public static final DemandSizing OFF = new DemandSizing(Duration.ZERO, 0, DEFAULT_WINDOW);

  public DemandSizing {
    Objects.requireNonNull(idleLead, "idleLead");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(idleWindow, "idleWindow");
    List<String> errors = new ArrayList<>();
    if (idleLead.isNegative() || idleLead.compareTo(Duration.ofHours(1)) > 0) {
      errors.add("idle_lead: must be between 0s and 1h, got " + idleLead);
    }
    if (!(standbyBurstFactor >= 0 && standbyBurstFactor <= 100)) {
      errors.add("standby_burst_factor: must be between 0 and 100, got " + standbyBurstFactor);
    }
    if (window.compareTo(Duration.ofMinutes(1)) < 0
        || window.toMinutes() > MAX_WINDOW_MINUTES
        || window.toSeconds() % 60 != 0) {
      errors.add("demand_window: must be whole minutes from 1m to 24h, got " + window);
    }
    if (!idleWindow.isZero()
        && (idleWindow.compareTo(Duration.ofSeconds(1)) < 0
            || idleWindow.compareTo(Duration.ofHours(1)) > 0)) {
      errors.add("idle_window: must be 0s (off) or between 1s and 1h, got " + idleWindow);
    } else if (!idleWindow.isZero() && idleLead.isZero()) {
      errors.add("idle_window: sizes the idle target of idle_lead, which is 0s (off)");
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", errors));
    }
  }

  /** Sizing with the window's mean rate for the idle target ({@code idle_window} off). */
  public DemandSizing(Duration idleLead, double standbyBurstFactor, Duration window) {
    this(idleLead, standbyBurstFactor, window, Duration.ZERO);
  }

  /** The same sizing with the idle target read from a decaying rate of time constant {@code t}. */
  public DemandSizing withIdleWindow(Duration t) {
    return new DemandSizing(idleLead, standbyBurstFactor, window, t);
  }

  /** Whether the idle target reads the decaying rate ({@code idle_window} set). */
  public boolean decaying() {
    return !idleWindow.isZero();
  }

  /** Whether either target is sized from demand. */
  public boolean enabled() {
    return !idleLead.isZero() || standbyBurstFactor > 0;
  }

  /** The window in whole minutes. */
  public int windowMinutes() {
    return (int) window.toMinutes();
  }

  /**
   * The idle target for {@code arrivals} acquisitions over the window: {@code max(idleCount,
   * round(rate * idleLead))} (halves up). By Little's law each job's instance then waits idle about
   * {@code idleLead} on average, so the idle cost is about {@code idleLead} per job.
   */
  public int idleCount(int idleCount, long arrivals) {
    if (idleLead.isZero()) {
      return idleCount;
    }
    double rate = arrivals / (double) window.toSeconds();
    double lead = idleLead.toMillis() / 1000.0;
    return (int) Math.max(idleCount, Math.min(Integer.MAX_VALUE, Math.floor(rate * lead + 0.5)));
  }

  /**
   * The idle target for {@code recent} decayed acquisitions ({@link #decaying}): {@code
   * max(idleCount, round(recent / idleWindow * idleLead))} (halves up).
   */
  public int idleCountDecayed(int idleCount, double recent) {
    if (idleLead.isZero()) {
      return idleCount;
    }
    double target = recent * idleLead.toMillis() / (double) idleWindow.toMillis();
    return (int) Math.max(idleCount, Math.min(Integer.MAX_VALUE, Math.floor(target + 0.5)));
  }

  /**
   * The standby target for a largest one-minute burst of {@code burst} acquisitions: {@code
   * max(standbyCount, ceil(standbyBurstFactor * burst))}.
   */
  public int standbyCount(int standbyCount, long burst) {
    if (standbyBurstFactor == 0) {
      return standbyCount;
    }
    return (int)
        Math.max(
            standbyCount,
            Math.min(Integer.MAX_VALUE, Math.ceil(standbyBurstFactor * burst - 1e-9)));
  }
}
