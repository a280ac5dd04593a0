package io.fleetscaler.core.scaler;

import io.fleetscaler.core.policy.DemandSizing;
import io.fleetscaler.core.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Recent demand, for policies whose idle and standby targets are sized from it ({@link
 * DemandSizing}): acquisitions counted per minute of the clock over the last day.
 *
 * <p>Counting is lock-free ({@link #arrived}: one {@link LongAdder} increment on the request path).
 * The per-minute table is brought up to date when a sized policy is read: what arrived since the
 * last reading is put in the current minute. Plans read it at every event and at least every {@code
 * update_interval}, so an arrival lands in its own minute or the next. Reading is synchronized on
 * this object and costs O(1) amortized: the window's sum and maximum over whole minutes are
 * recomputed once per minute, the current minute is added on the fly.
 *
 * <p>For an idle target read from a short memory ({@code idle_window}), the same readings also keep
 * an exponentially decaying count: at each reading it decays by {@code e^(-elapsed / idle_window)}
 * and what arrived since is added at full weight, dated to the reading (one multiplication and one
 * {@link Math#exp} per reading; nothing more on the request path). A decaying count needs no table:
 * its whole past is one number.
 */
final class DemandHistory {
  private static final int SLOTS = DemandSizing.MAX_WINDOW_MINUTES;

  private final LongAdder arrivals = new LongAdder();
  private final long[] perMinute = new long[SLOTS];
  private long minute = Long.MIN_VALUE;
  private long counted;
  // The window's whole minutes before the current one, as last computed.
  private long cachedMinute = Long.MIN_VALUE;
  // Acquisitions, each weighted e^(-age / idle_window), as of recentAt.
  private double recent;
  private @Nullable Instant recentAt;
  private int cachedWindow;
  private long pastSum;
  private long pastMax;
  // The last sized policy and the policy it was sized from.
  private @Nullable Policy base;
  private @Nullable Policy sized;

  /** A job asked for a slot. Lock-free; any thread. */
  void arrived() {
    arrivals.increment();
  }

  /**
   * {@code policy} with its idle and standby targets sized from demand up to {@code now}, or {@code
   * policy} itself when it sizes nothing from demand.
   */
  Policy size(Policy policy, Instant now) {
    DemandSizing d = policy.demand();
    if (!d.enabled()) {
      return policy;
    }
    synchronized (this) {
      int window = d.windowMinutes();
      long total = arrivals.sum();
      long fresh = total - counted;
      counted = total;
      long current = roll(Math.floorDiv(now.getEpochSecond(), 60), fresh);
      if (cachedMinute != minute || cachedWindow != window) {
        recompute(window);
      }
      decay(now, fresh, d.idleWindow());
      int idle =
          d.decaying()
              ? d.idleCountDecayed(policy.idleCount(), recent)
              : d.idleCount(policy.idleCount(), pastSum + current);
      int standby = d.standbyCount(policy.standbyCount(), Math.max(pastMax, current));
      Policy last = sized;
      if (last == null
          || !policy.equals(base)
          || idle != last.idleCount()
          || standby != last.standbyCount()) {
        // A policy validates its cron periods when built: build one only when a target moves.
        last = policy.withIdleCount(idle).withStandby(standby, policy.standbyMaxAge());
        base = policy;
        sized = last;
      }
      return last;
    }
  }

  /**
   * Decays the recent count to {@code now} (never back) and adds {@code fresh} arrivals. While no
   * {@code idle_window} is in force nothing is kept: a policy period that turns it on starts from
   * zero and is exact after a few time constants.
   */
  private void decay(Instant now, long fresh, Duration timeConstant) {
    if (timeConstant.isZero()) {
      recent = 0;
      recentAt = null;
      return;
    }
    Instant last = recentAt;
    if (last != null && now.isAfter(last)) {
      double elapsed = Duration.between(last, now).toMillis();
      recent *= Math.exp(-elapsed / timeConstant.toMillis());
    }
    recent += fresh;
    if (last == null || now.isAfter(last)) {
      recentAt = now;
    }
  }

  /**
   * Moves to minute {@code m} (never back) and books {@code fresh} arrivals; the minute's count.
   */
  private long roll(long m, long fresh) {
    if (minute == Long.MIN_VALUE) {
      minute = m;
    } else if (m > minute) {
      long steps = Math.min(SLOTS, m - minute);
      for (long i = 1; i <= steps; i++) {
        perMinute[slot(minute + i)] = 0;
      }
      minute = m;
    }
    perMinute[slot(minute)] += fresh;
    return perMinute[slot(minute)];
  }

  private void recompute(int window) {
    long s = 0;
    long max = 0;
    for (int i = 1; i < window; i++) {
      long n = perMinute[slot(minute - i)];
      s += n;
      max = Math.max(max, n);
    }
    pastSum = s;
    pastMax = max;
    cachedMinute = minute;
    cachedWindow = window;
  }

  private static int slot(long m) {
    return (int) Math.floorMod(m, (long) SLOTS);
  }
}
