package io.fleetscaler.core.scaler;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The production driver of the provisioner: one daemon thread runs a tick, then schedules the next
 * after the interval the scaler asks for; {@link #nudge} brings the next tick forward when a change
 * starts between ticks. Scheduling state is guarded by the scaler's control lock ({@code
 * underControl}); a failing tick is logged and the loop goes on.
 */
final class TickLoop {
  private static final System.Logger LOG = System.getLogger(TaskScaler.class.getName());

  private final Runnable tick;
  private final Supplier<Duration> interval;
  private final InstantSource clock;
  private final Consumer<Runnable> underControl;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fleetscaler-provisioner");
            t.setDaemon(true);
            return t;
          });

  // Guarded by the control lock.
  private @Nullable ScheduledFuture<?> next;
  private Instant nextAt = Instant.MAX;
  private boolean stopped;

  TickLoop(
      Runnable tick,
      Supplier<Duration> interval,
      InstantSource clock,
      Consumer<Runnable> underControl) {
    this.tick = tick;
    this.interval = interval;
    this.clock = clock;
    this.underControl = underControl;
  }

  void start() {
    executor.execute(this::run);
  }

  /** Stops ticking; a tick under way finishes. Idempotent. */
  void stop() {
    underControl.accept(() -> stopped = true);
    executor.shutdownNow();
  }

  /**
   * Runs {@code task} on the loop's thread as soon as it is free (between ticks); false if the loop
   * has stopped. Any thread.
   */
  boolean execute(Runnable task) {
    try {
      executor.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              LOG.log(System.Logger.Level.WARNING, "provisioner task failed", e);
            }
          });
      return true;
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return false;
    }
  }

  /** Schedules the next tick after {@code delay} unless one is due sooner. Under control. */
  void nudge(Duration delay) {
    if (stopped) {
      return;
    }
    Instant at = clock.instant().plus(delay);
    ScheduledFuture<?> current = next;
    if (current != null && !current.isDone() && !at.isBefore(nextAt)) {
      return;
    }
    if (current != null) {
      current.cancel(false);
    }
    nextAt = at;
    next = executor.schedule(this::run, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void run() {
    // This tick has fired: forget it, so the nudge below is not mistaken for a sooner one.
    underControl.accept(
        () -> {
          next = null;
          nextAt = Instant.MAX;
        });
    try {
      tick.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "provisioner tick failed", e);
    }
    underControl.accept(() -> nudge(interval.get()));
  }
}
