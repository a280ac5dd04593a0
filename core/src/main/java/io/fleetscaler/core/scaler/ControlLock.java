package io.fleetscaler.core.scaler;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The scaler's control lock, the completions deferred past it, and the one plan-on-event mechanism
 * ({@link #planSoon}, which runs the scaler's plan under this lock as {@code planNowLocked}).
 *
 * <h2>Design</h2>
 *
 * One lock serializes the provisioner's side: updates, plans and their plugin calls (an update, an
 * increase, a decrease), which may take as long as the cloud does, and the serving of waiting
 * demand. Request threads therefore never wait for it. Waiting demand is added to and removed from
 * concurrent structures without it; a request thread then only <em>tries</em> the lock to serve
 * that demand ({@link #demandChanged}), and when the lock is taken leaves a flag that its holder
 * reads after unlocking: a request's flag write precedes its failed {@code tryLock}, which precedes
 * the holder's unlock, which precedes the holder's flag read, so no change is missed. Futures and
 * cancellation signals are completed after the lock is released ({@link #defer}), so callers'
 * callbacks never run inside it.
 *
 * <p>Plans asked for by events ({@link #planSoon}) are coalesced by one flag: set by the event,
 * cleared as the plan that answers it starts (an event plan's, or a tick's, see {@link
 * #tickPlanStarts}), so a burst before that start costs one plan and an event after it asks for the
 * next. With the scaler's own {@link TickLoop} the plan runs on the loop's thread (it may call the
 * plugin); with manual ticks, on the event's thread when the lock is free, else on the lock's
 * holder as it unlocks, as waiting demand is served.
 *
 * <p>Thread-safe: every method may be called from any thread, with or without the lock; only {@link
 * #defer} must be called under it.
 */
final class ControlLock {
  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private final List<Runnable> deferred = new ArrayList<>();
  // Set by a request thread that changed waiting demand; whoever holds the lock next serves it.
  private final AtomicBoolean demandChanged = new AtomicBoolean();
  // Set by an event that asks for a plan (see planSoon), cleared as the plan that answers it
  // starts: a burst before that start costs one plan, an event after it asks for the next.
  private final AtomicBoolean planRequested = new AtomicBoolean();
  // Plans run to answer events (not ticks' plans); read by tests.
  private final LongAdder eventPlans = new LongAdder();
  private final Runnable serveLocked;
  private final Runnable planLocked;
  private final Runnable publishLocked;
  private final BooleanSupplier shutDown;
  private final @Nullable TickLoop loop;

  /**
   * @param serveLocked serves waiting demand, under the lock
   * @param planLocked one plan without an update, under the lock
   * @param publishLocked publishes what lock-free readers see, at the end of every section
   * @param shutDown whether the scaler shut down (no plan runs then)
   * @param manualTicks no loop: the caller ticks, and event plans run on the event's thread
   * @param tick the loop's step; {@code interval} the delay before the next one
   */
  ControlLock(
      Runnable serveLocked,
      Runnable planLocked,
      Runnable publishLocked,
      BooleanSupplier shutDown,
      boolean manualTicks,
      Runnable tick,
      Supplier<Duration> interval,
      InstantSource clock) {
    this.serveLocked = serveLocked;
    this.planLocked = planLocked;
    this.publishLocked = publishLocked;
    this.shutDown = shutDown;
    this.loop = manualTicks ? null : new TickLoop(tick, interval, clock, this::withControl);
  }

  /** The scaler's own loop; null with manual ticks. */
  @Nullable TickLoop loop() {
    return loop;
  }

  /** Runs {@code body} under the lock, then the completions it deferred, outside it. */
  void withControl(Runnable body) {
    List<Runnable> toRun;
    lock.lock();
    try {
      body.run();
      publishLocked.run();
      toRun = drainDeferred();
    } finally {
      lock.unlock();
    }
    toRun.forEach(Runnable::run);
    drainDemand();
  }

  /**
   * Runs {@code body} under the lock if it is free, then the completions it deferred; never waits.
   *
   * @return what {@code body} returned, or null if the lock was busy
   */
  <T> @Nullable T tryWithControl(Supplier<T> body) {
    if (!lock.tryLock()) {
      return null;
    }
    T taken;
    List<Runnable> toRun;
    try {
      taken = body.get();
      toRun = drainDeferred();
    } finally {
      lock.unlock();
    }
    toRun.forEach(Runnable::run);
    drainDemand();
    return taken;
  }

  /** Runs {@code completion} once the lock is released. Under the lock. */
  void defer(Runnable completion) {
    deferred.add(completion);
  }

  boolean heldByCurrentThread() {
    return lock.isHeldByCurrentThread();
  }

  /**
   * Waiting demand changed on a request thread: serve it now if the lock is free, else leave it to
   * the lock's holder, which drains after unlocking. Never waits.
   */
  void demandChanged() {
    demandChanged.set(true);
    drainDemand();
  }

  /**
   * Demand or supply changed (a slot taken or freed, a reservation, an acquisition that waits, a
   * policy change): asks for one plan without an update, unless one is asked for already and has
   * not started (see the class notes). Lock-free, never waits.
   */
  void planSoon() {
    if (shutDown.getAsBoolean() || planRequested.getAndSet(true)) {
      return;
    }
    TickLoop l = loop;
    if (l == null) {
      drainDemand();
    } else if (!l.execute(this::planStep)) {
      planRequested.set(false);
    }
  }

  /** A tick's plan starts: it answers every event before it. Under the lock. */
  void tickPlanStarts() {
    planRequested.set(false);
  }

  /** How many plans ran to answer events (ticks' own plans not counted), for tests. */
  long eventPlans() {
    return eventPlans.sum();
  }

  /** On the loop's thread: the plan {@link #planSoon} asked for, unless a tick planned since. */
  private void planStep() {
    withControl(
        () -> {
          if (planRequested.getAndSet(false) && !shutDown.getAsBoolean()) {
            planNowLocked();
          }
        });
  }

  private void planNowLocked() {
    eventPlans.increment();
    planLocked.run();
  }

  /**
   * Serves changed waiting demand, and with manual ticks runs the plan asked for, while the lock
   * can be had without waiting.
   */
  private void drainDemand() {
    if (lock.isHeldByCurrentThread()) {
      return; // an outer section of this thread drains when it unlocks
    }
    while ((demandChanged.get() || (loop == null && planRequested.get())) && lock.tryLock()) {
      List<Runnable> toRun;
      try {
        if (demandChanged.getAndSet(false)) {
          serveLocked.run();
        }
        if (loop == null && planRequested.getAndSet(false) && !shutDown.getAsBoolean()) {
          planNowLocked();
        }
        toRun = drainDeferred();
      } finally {
        lock.unlock();
      }
      toRun.forEach(Runnable::run);
    }
  }

  private List<Runnable> drainDeferred() {
    if (deferred.isEmpty()) {
      return List.of();
    }
    List<Runnable> copy = List.copyOf(deferred);
    deferred.clear();
    return copy;
  }
}
