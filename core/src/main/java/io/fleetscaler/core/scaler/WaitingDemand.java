package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.Limits;
import io.fleetscaler.core.slots.Claim;
import io.fleetscaler.core.slots.Refusal;
import io.fleetscaler.core.slots.Slot;
import io.fleetscaler.core.slots.SlotAllocator;
import io.fleetscaler.core.slots.SlotCounts;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Waiting demand: acquisitions that found no free slot and reservations accepted beyond ready
 * capacity, in arrival order, until a slot serves them, their deadline passes or the scaler shuts
 * down; and the hand-out of an acquired slot, after the acquire heartbeat when one is configured.
 *
 * <p>Threads: request threads add and remove entries without the control lock and then call {@link
 * ControlLock#demandChanged}, which never waits; only the lock's holder serves and expires them
 * (the {@code ...Locked} methods). Arrival order is in the queues, currency in the map and set: a
 * queue entry that is no longer (or no longer the same) entry there is skipped and dropped. Futures
 * are completed through {@link ControlLock#defer}, outside the lock.
 */
final class WaitingDemand {

  /** An acquisition waiting for a slot. */
  private record Waiter(String key, CompletableFuture<Acquisition> future, Instant deadline) {}

  private final ConcurrentHashMap<String, Waiter> waiters = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Waiter> waitOrder = new ConcurrentLinkedQueue<>();
  private final Set<String> pendingReservations = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<String> reservationOrder = new ConcurrentLinkedQueue<>();

  private final ControlLock control;
  private final SlotAllocator allocator;
  private final Limits limits;
  private final InstantSource clock;
  private final Map<String, HeldSlot> holders;
  private final HeldSlot.ConnectSource connects;
  private final StateKeeper state;
  private final Provisioner provisioner;
  private final HealthChecker health;
  private final @Nullable AcquireHeartbeat acquireHeartbeat;
  private final WaitExplainer why;
  private final Supplier<WaitReasons> reasons;
  private final BooleanSupplier shutDown;
  private final Consumer<String> release;
  private final Runnable publish;

  WaitingDemand(
      ControlLock control,
      SlotAllocator allocator,
      Limits limits,
      InstantSource clock,
      Map<String, HeldSlot> holders,
      HeldSlot.ConnectSource connects,
      StateKeeper state,
      Provisioner provisioner,
      HealthChecker health,
      @Nullable AcquireHeartbeat acquireHeartbeat,
      WaitExplainer why,
      Supplier<WaitReasons> reasons,
      BooleanSupplier shutDown,
      Consumer<String> release,
      Runnable publish) {
    this.control = control;
    this.allocator = allocator;
    this.limits = limits;
    this.clock = clock;
    this.holders = holders;
    this.connects = connects;
    this.state = state;
    this.provisioner = provisioner;
    this.health = health;
    this.acquireHeartbeat = acquireHeartbeat;
    this.why = why;
    this.reasons = reasons;
    this.shutDown = shutDown;
    this.release = release;
    this.publish = publish;
  }

  /** Acquisitions waiting for a slot. Lock-free. */
  int waiting() {
    return waiters.size();
  }

  /** Reservations accepted without a slot yet. Lock-free. */
  int pendingReservations() {
    return pendingReservations.size();
  }

  /** Whether anything waits. Lock-free. */
  boolean any() {
    return !waiters.isEmpty() || !pendingReservations.isEmpty();
  }

  /**
   * A reservation that found no free slot: accepted as pending when the fleet has room for it.
   * Request path; never waits.
   */
  ReserveResult reserveLater(String key) {
    if (waiters.containsKey(key) || pendingReservations.contains(key)) {
      return ReserveResult.ALREADY_HELD;
    }
    if (!roomForMore()) {
      return ReserveResult.NO_CAPACITY;
    }
    if (!pendingReservations.add(key)) {
      return ReserveResult.ALREADY_HELD;
    }
    reservationOrder.offer(key);
    control.demandChanged();
    return ReserveResult.ACCEPTED_PENDING;
  }

  /** Takes the key's pending reservation back; false if it had none. Lock-free. */
  boolean dropReservation(String key) {
    return pendingReservations.remove(key);
  }

  /**
   * Hands a slot the allocator just gave {@code key} to its caller: at once, or once the acquire
   * heartbeat passes (until {@code timeout}). Request path; never waits.
   */
  CompletableFuture<Acquisition> handOutNow(String key, HeldSlot held, Duration timeout) {
    // A slot was free although the key's reservation was still pending: that one is done.
    pendingReservations.remove(key);
    if (acquireHeartbeat == null) {
      // The common path: no heartbeat to wait for, so no waiter and no clock read.
      why.acquireWaited(0);
      CompletableFuture<Acquisition> future = new CompletableFuture<>();
      state.deliver(key, held, future);
      return future;
    }
    Instant start = clock.instant();
    Waiter w = new Waiter(key, new CompletableFuture<>(), start.plus(timeout));
    timeWait(w.future(), start);
    handOut(w, held);
    return w.future();
  }

  /**
   * An acquisition with no free slot: it waits (up to {@code timeout}) and the scaler plans at
   * once. A job is already assigned to the caller, so even at the fleet's maximum it waits for a
   * slot to be released rather than failing at once. Request path; never waits.
   */
  CompletableFuture<Acquisition> await(String key, Duration timeout) {
    CompletableFuture<Acquisition> future = new CompletableFuture<>();
    Instant start = clock.instant();
    Waiter w = new Waiter(key, future, start.plus(timeout));
    timeWait(future, start);
    if (waiters.putIfAbsent(key, w) != null) {
      future.completeExceptionally(
          new IllegalStateException("key " + key + " is already waiting for a slot"));
      return future;
    }
    pendingReservations.remove(key);
    waitOrder.offer(w);
    if (shutDown.getAsBoolean()) {
      if (waiters.remove(key, w)) {
        future.completeExceptionally(new NoCapacityException("the scaler is shut down"));
      }
      return future;
    }
    // Event-driven scale-up: serve it if a slot is free by now, and plan at once rather than at
    // the next tick.
    control.demandChanged();
    control.planSoon();
    return future;
  }

  /** Records how long the acquisition waited when {@code future} completes, however it does. */
  private void timeWait(CompletableFuture<Acquisition> future, Instant start) {
    var unused =
        future.whenComplete(
            (a, e) ->
                why.acquireWaited(Math.max(0, Duration.between(start, clock.instant()).toNanos())));
  }

  /** Places waiting acquisitions, then pending reservations, on free slots, in arrival order. */
  void serveLocked() {
    for (Iterator<Waiter> it = waitOrder.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (!w.equals(waiters.get(w.key())) || w.future().isDone()) {
        waiters.remove(w.key(), w);
        it.remove();
        continue;
      }
      if (state.restoring(w.key())) {
        continue; // its saved slot comes back with its instance
      }
      Claim claim = allocator.acquire(w.key());
      HeldSlot restored = holders.get(w.key());
      if (claim instanceof Slot slot) {
        HeldSlot held = new HeldSlot(w.key(), slot, connects);
        EngineTaskScaler.settle(holders.put(w.key(), held));
        waiters.remove(w.key(), w);
        it.remove();
        control.defer(() -> handOut(w, held));
      } else if (claim == Refusal.NO_CAPACITY) {
        break;
      } else if (restored != null && restored.acquired() && restored.settle()) {
        waiters.remove(w.key(), w);
        it.remove();
        control.defer(
            () -> {
              if (!w.future().complete(restored)) {
                release.accept(w.key());
              }
            });
      } else {
        waiters.remove(w.key(), w);
        it.remove();
        control.defer(
            () ->
                w.future()
                    .completeExceptionally(
                        new IllegalStateException("key " + w.key() + " already acquired")));
      }
    }
    if (waiters.isEmpty()) {
      serveReservationsLocked();
    }
    publish.run();
  }

  /** Places pending reservations on free slots, in arrival order. */
  private void serveReservationsLocked() {
    for (Iterator<String> it = reservationOrder.iterator(); it.hasNext(); ) {
      String key = it.next();
      if (!pendingReservations.contains(key)) {
        it.remove(); // unreserved, acquired or served since it was queued
        continue;
      }
      Claim claim = allocator.reserve(key);
      if (claim instanceof Slot slot) {
        it.remove();
        HeldSlot held = HeldSlot.reserved(key, slot, connects);
        EngineTaskScaler.settle(holders.put(key, held));
        if (pendingReservations.remove(key)) {
          state.changed();
        } else if (holders.remove(key, held)) {
          // Unreserved (or acquired) between the check and the claim: the slot is not wanted.
          held.settle();
          allocator.unreserve(key);
        }
      } else if (claim == Refusal.NO_CAPACITY) {
        break;
      } else {
        it.remove();
        pendingReservations.remove(key);
      }
    }
  }

  /**
   * Gives an acquired slot to its waiting caller: at once, or once the acquire heartbeat passes.
   * Called outside the control lock.
   */
  private void handOut(Waiter w, HeldSlot held) {
    AcquireHeartbeat hb = acquireHeartbeat;
    if (hb != null && hb.start(held.instanceId(), failure -> heartbeatDone(w, held, failure))) {
      return;
    }
    state.deliver(w.key(), held, w.future());
  }

  /**
   * The acquire heartbeat of the instance {@code held} is on ended: hand the slot out, or count the
   * failure, give the slot back and let the key wait for another (until its deadline).
   */
  private void heartbeatDone(Waiter w, HeldSlot held, @Nullable String failure) {
    if (failure == null) {
      control.withControl(
          () -> {
            Provisioner.Tracked t = provisioner.tracked(held.instanceId());
            if (t != null) {
              health.passed(t);
            }
          });
      state.deliver(w.key(), held, w.future());
      return;
    }
    control.withControl(
        () -> {
          Provisioner.Tracked t = provisioner.tracked(held.instanceId());
          if (t != null) {
            health.failed(t, failure);
          }
          // Unless the failure just lost the instance (which revoked the slot), give it back.
          if (holders.remove(w.key(), held)) {
            allocator.release(w.key());
          }
          if (w.future().isDone()) {
            return;
          }
          if (shutDown.getAsBoolean()) {
            control.defer(
                () ->
                    w.future()
                        .completeExceptionally(new NoCapacityException("the scaler shut down")));
            return;
          }
          waiters.put(w.key(), w);
          waitOrder.offer(w);
          serveLocked();
          control.planSoon();
        });
  }

  /** Fails acquisitions whose deadline passed, with what held capacity back. Under control. */
  void expireLocked(Instant now) {
    for (Iterator<Waiter> it = waitOrder.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (!w.equals(waiters.get(w.key()))) {
        it.remove();
      } else if (!now.isBefore(w.deadline()) && waiters.remove(w.key(), w)) {
        it.remove();
        WaitReasons held = reasons.get();
        why.acquireTimedOut(held);
        String message =
            "no slot became ready in time: " + noCapacityMessage() + "; held by: " + held.summary();
        control.defer(() -> w.future().completeExceptionally(new NoCapacityException(message)));
      }
    }
    publish.run();
  }

  /**
   * The scaler shut down: every waiting acquisition fails, pending reservations go. Under control.
   */
  void shutDownLocked() {
    for (Waiter w : waiters.values()) {
      control.defer(
          () -> w.future().completeExceptionally(new NoCapacityException("the scaler shut down")));
    }
    waiters.clear();
    waitOrder.clear();
    pendingReservations.clear();
    reservationOrder.clear();
  }

  private boolean roomForMore() {
    long outstanding = (long) holders.size() + waiters.size() + pendingReservations.size();
    return outstanding < (long) limits.maxInstances() * limits.capacityPerInstance();
  }

  private String noCapacityMessage() {
    SlotCounts c = allocator.counts();
    return "no immediately available capacity (idle:"
        + c.idle()
        + ",reserved:"
        + c.reserved()
        + ",acquired:"
        + c.acquired()
        + ",unavailable:"
        + c.unavailable()
        + ",unhealthy:"
        + c.unhealthy()
        + ",pending:"
        + (waiters.size() + pendingReservations.size())
        + ",max_instances:"
        + limits.maxInstances()
        + ")";
  }
}
