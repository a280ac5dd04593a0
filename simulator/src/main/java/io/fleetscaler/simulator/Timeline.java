package io.fleetscaler.simulator;

import java.io.IOException;
import java.time.Instant;

/**
 * Integrates piecewise-constant levels (instances by activity, jobs waiting and running) over
 * virtual time: totals for the whole replay and one {@link MinuteSample} per minute. Levels change
 * only at event instants, so the integral is exact. Times are nanoseconds from the trace's start.
 */
final class Timeline {
  static final long MINUTE = 60_000_000_000L;

  static final int BOOTING = 0;
  static final int IDLE = 1;
  static final int BUSY = 2;
  static final int DELETING = 3;
  static final int WAITING = 4;
  static final int RUNNING = 5;
  static final int SUSPENDED = 6;
  private static final int LEVELS = 7;

  private final Instant start;
  private final MinuteListener listener;
  private final int[] level = new int[LEVELS];
  private final long[] total = new long[LEVELS];
  private final long[] minute = new long[LEVELS];
  private long minuteIndex;
  private long minuteArrivals;
  private long at;
  private int peakInstances;

  Timeline(Instant start, MinuteListener listener) {
    this.start = start;
    this.listener = listener;
  }

  /** Sets the levels from now on. */
  void set(int booting, int idle, int busy, int deleting, int waiting, int running) {
    set(booting, idle, busy, deleting, waiting, running, 0);
  }

  /** Sets the levels from now on, with {@code suspended} instances in the standby pool. */
  void set(int booting, int idle, int busy, int deleting, int waiting, int running, int suspended) {
    level[SUSPENDED] = suspended;
    level[BOOTING] = booting;
    level[IDLE] = idle;
    level[BUSY] = busy;
    level[DELETING] = deleting;
    level[WAITING] = waiting;
    level[RUNNING] = running;
    peakInstances = Math.max(peakInstances, booting + idle + busy + deleting);
  }

  /** Counts an arrival in the current minute. */
  void arrival() {
    minuteArrivals++;
  }

  /** Accumulates the current levels up to {@code to}, handing over every minute that ends. */
  void advance(long to) throws IOException {
    while (to >= (minuteIndex + 1) * MINUTE) {
      long end = (minuteIndex + 1) * MINUTE;
      accumulate(end - at);
      at = end;
      emit(MINUTE);
      minuteIndex++;
    }
    accumulate(to - at);
    at = to;
  }

  /** Hands over the last, partial minute, if it has any length or arrivals. */
  void finish() throws IOException {
    long length = at - minuteIndex * MINUTE;
    if (length > 0 || minuteArrivals > 0) {
      emit(Math.max(length, 1));
    }
  }

  private void accumulate(long nanos) {
    for (int i = 0; i < LEVELS; i++) {
      long area = level[i] * nanos;
      total[i] += area;
      minute[i] += area;
    }
  }

  private void emit(long length) throws IOException {
    double len = length;
    listener.minute(
        new MinuteSample(
            minuteIndex,
            start.plusNanos(minuteIndex * MINUTE),
            minuteArrivals,
            minute[WAITING] / len,
            minute[RUNNING] / len,
            minute[BOOTING] / len,
            minute[IDLE] / len,
            minute[BUSY] / len,
            minute[DELETING] / len));
    java.util.Arrays.fill(minute, 0);
    minuteArrivals = 0;
  }

  /** The totals; a suspended hour costs {@code standbyCost} of a running one. */
  InstanceHours hours(double standbyCost) {
    double hour = 3_600e9;
    double running = (total[BOOTING] + total[IDLE] + total[BUSY] + total[DELETING]) / hour;
    double suspended = total[SUSPENDED] / hour;
    return new InstanceHours(
        running,
        total[BUSY] / hour,
        total[IDLE] / hour,
        total[BOOTING] / hour,
        total[DELETING] / hour,
        suspended,
        running + standbyCost * suspended);
  }

  int peakInstances() {
    return peakInstances;
  }
}
