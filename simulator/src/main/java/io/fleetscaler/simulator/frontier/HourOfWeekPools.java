package io.fleetscaler.simulator.frontier;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.simulator.trace.JobTrace;
import io.fleetscaler.simulator.trace.TraceJob;
import java.io.IOException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Standby pools sized by the hour of the week, learned from a trace: for each hour of weekdays and
 * of weekends, the given quantile of jobs arriving per minute in that hour (the bursts a pool must
 * absorb), times a scale. The result is plain {@code [[policy]]} entries, one per hour and day
 * class, over a base policy: nothing beyond cron periods is needed to run it.
 */
final class HourOfWeekPools {
  private HourOfWeekPools() {}

  /**
   * Per-minute arrival counts per (weekend?, hour) class of the trace starting at {@code start}.
   */
  static long[][][] minuteCounts(JobTrace trace, Instant start, Duration length)
      throws IOException {
    int minutes = (int) length.toMinutes();
    long[] perMinute = new long[minutes];
    for (TraceJob j = trace.next(); j != null; j = trace.next()) {
      long m = j.arrivalMillis() / 60_000;
      if (m < minutes) {
        perMinute[(int) m]++;
      }
    }
    // [weekend][hour] -> counts of each minute of that class
    List<List<List<Long>>> byClass = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      List<List<Long>> hours = new ArrayList<>();
      for (int h = 0; h < 24; h++) {
        hours.add(new ArrayList<>());
      }
      byClass.add(hours);
    }
    for (int m = 0; m < minutes; m++) {
      ZonedDateTime t = start.plusSeconds(60L * m).atZone(ZoneOffset.UTC);
      byClass.get(weekend(t.getDayOfWeek()) ? 1 : 0).get(t.getHour()).add(perMinute[m]);
    }
    long[][][] out = new long[2][24][];
    for (int w = 0; w < 2; w++) {
      for (int h = 0; h < 24; h++) {
        out[w][h] = byClass.get(w).get(h).stream().mapToLong(Long::longValue).sorted().toArray();
      }
    }
    return out;
  }

  /**
   * One policy per hour of weekdays and of weekends (UTC) over {@code base}, keeping {@code scale}
   * times the {@code quantile} of that hour's per-minute arrivals in standby, at least {@code
   * floor}.
   */
  static List<Policy> policies(
      Policy base, long[][][] counts, double quantile, double scale, int floor) {
    return policies(base, counts, quantile, scale, floor, 0);
  }

  /**
   * As {@link #policies(Policy, long[][][], double, double, int)}, and with {@code idleScale} above
   * 0 an idle count per hour too: {@code idleScale} times that hour's mean arrivals per minute,
   * rounded, at least the base policy's.
   */
  static List<Policy> policies(
      Policy base, long[][][] counts, double quantile, double scale, int floor, double idleScale) {
    List<Policy> policies = new ArrayList<>();
    policies.add(base);
    for (int w = 0; w < 2; w++) {
      for (int h = 0; h < 24; h++) {
        long[] sorted = counts[w][h];
        long q =
            sorted.length == 0
                ? 0
                : sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))];
        int pool = (int) Math.max(floor, Math.round(q * scale));
        String days = w == 0 ? "1-5" : "0,6";
        Policy p =
            base.withPeriods(List.of(String.format(Locale.ROOT, "* %d * * %s", h, days)))
                .withStandby(pool, base.standbyMaxAge());
        if (idleScale > 0) {
          double mean = Arrays.stream(sorted).average().orElse(0);
          p = p.withIdleCount((int) Math.max(base.idleCount(), Math.round(idleScale * mean)));
        }
        policies.add(p);
      }
    }
    return policies;
  }

  /** The pool sizes of {@code policies} (after the base), for the report. */
  static String describe(List<Policy> policies) {
    int[] sizes = policies.stream().skip(1).mapToInt(Policy::standbyCount).toArray();
    int[] idle = policies.stream().skip(1).mapToInt(Policy::idleCount).toArray();
    return "standby weekdays "
        + Arrays.toString(Arrays.copyOfRange(sizes, 0, 24))
        + ", weekends "
        + Arrays.toString(Arrays.copyOfRange(sizes, 24, 48))
        + "; idle weekdays "
        + Arrays.toString(Arrays.copyOfRange(idle, 0, 24))
        + ", weekends "
        + Arrays.toString(Arrays.copyOfRange(idle, 24, 48));
  }

  private static boolean weekend(DayOfWeek d) {
    return d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY;
  }
}
