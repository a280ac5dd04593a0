package io.fleetscaler.core.scaler;

import io.fleetscaler.core.connector.Connector;
import io.fleetscaler.core.connector.ConnectorSettings;
import io.fleetscaler.core.planner.Limits;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.policy.PolicySchedule;
import io.fleetscaler.core.slots.Claim;
import io.fleetscaler.core.slots.Outcome;
import io.fleetscaler.core.slots.Refusal;
import io.fleetscaler.core.slots.RemovalListener;
import io.fleetscaler.core.slots.Slot;
import io.fleetscaler.core.slots.SlotAllocator;
import io.fleetscaler.core.slots.SlotCounts;
import io.fleetscaler.core.slots.SlotLimits;
import io.fleetscaler.plugin.api.Capability;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The {@link TaskScaler}: request methods try the lock-free allocator first; what must wait
 * (acquisitions without a free slot, reservations accepted beyond ready capacity) is kept here,
 * under one control lock that also serializes the provisioner. Futures and cancellation signals are
 * completed after that lock is released, so callers' callbacks never run inside it.
 *
 * <p>Request threads never wait for the control lock: the provisioner holds it across plugin calls
 * (an update, an increase, a decrease), which may take as long as the cloud does. Waiting demand is
 * added to and removed from concurrent structures without it; a request thread then only
 * <em>tries</em> the lock to serve that demand, and when the lock is taken leaves a flag that its
 * holder reads after unlocking (a request's flag write precedes its failed {@code tryLock}, which
 * precedes the holder's unlock, which precedes the holder's flag read: no change is missed). Plans
 * asked for by events run on the provisioner's thread (with manual ticks, as demand is served: on
 * the request's thread or the lock holder's), coalesced by one flag (see {@code planSoon}), and
 * {@link #snapshot()} answers from the last picture taken under the lock, with the lock-free parts
 * fresh, while the lock is busy.
 *
 * <p>Over 400 lines on purpose: this is the one class where the lock-free request path meets the
 * control lock; keeping waiting demand, serving and the lock discipline together keeps the rule
 * "allocator first, lock only to wait" checkable in one place.
 */
final class EngineTaskScaler implements TaskScaler, RemovalListener {
  private static final System.Logger LOG = System.getLogger(TaskScaler.class.getName());

  /** An acquisition waiting for a slot. */
  private record Waiter(String key, CompletableFuture<Acquisition> future, Instant deadline) {}

  private final ReentrantLock control = new ReentrantLock();
  private final TaskScaler.Builder options;
  private final SlotAllocator allocator;
  private final Limits limits;
  private final ScalerMetrics metrics;
  private final Provisioner provisioner;
  private final Actuator actuator;
  private final PluginCalls calls;
  private final HealthChecker health;
  private final ReadinessGate readiness;
  private final @Nullable ConnectorChecks checks;
  private final @Nullable ExecutorService ownedExecutor;
  private final @Nullable AcquireHeartbeat acquireHeartbeat;
  private final WaitExplainer why;
  private final LongAdder reserveOps;
  private final LongAdder unreserveOps;
  private final LongAdder acquireOps;
  private final LongAdder releaseOps;
  private final Map<String, HeldSlot> holders = new ConcurrentHashMap<>();
  private final AtomicBoolean shutDown = new AtomicBoolean();
  private volatile PolicySchedule schedule;
  private final @Nullable TickLoop loop;

  private final StateKeeper state;
  private final HeldSlot.ConnectSource connects;
  private final StandbyPool standby;
  // Recent acquisitions, for policies that size their targets from demand.
  private final DemandHistory demand = new DemandHistory();
  private final StandbyMetrics standbyMetrics;

  // Waiting demand: request threads add and remove entries without the control lock; only its
  // holder serves and expires them. Arrival order is in the queues, currency in the map and set: a
  // queue entry that is no longer (or no longer the same) entry there is skipped and dropped.
  private final ConcurrentHashMap<String, Waiter> waiters = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Waiter> waitOrder = new ConcurrentLinkedQueue<>();
  private final Set<String> pendingReservations = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<String> reservationOrder = new ConcurrentLinkedQueue<>();
  // Set by a request thread that changed waiting demand; whoever holds the lock next serves it.
  private final AtomicBoolean demandChanged = new AtomicBoolean();
  // Guarded by control.
  private final List<Runnable> deferred = new ArrayList<>();
  // When the loop's next step is due; kept in manual mode too, so a driver can follow the cadence.
  // Written under control, read without it.
  private volatile Instant nextTickAt;
  // While update fails: the wait its backoff drew for the next one; zero otherwise. Under control.
  private Duration updateRetryIn = Duration.ZERO;
  private final Backoff updateBackoff;
  private volatile Instant lastUpdateOk;
  // Set by an event that asks for a plan (see planSoon), cleared as the plan that answers it
  // starts: a burst before that start costs one plan, an event after it asks for the next.
  private final AtomicBoolean planRequested = new AtomicBoolean();
  // Plans run to answer events (not ticks' plans); read by tests.
  private final LongAdder eventPlans = new LongAdder();

  // Published for lock-free readers (metrics, snapshots taken while the lock is busy).
  private volatile Map<String, Integer> instancesByState = Map.of();
  private volatile ScalerSnapshot lastSnapshot;
  // Someone reads snapshots: each tick then refreshes the one served while the lock is busy.
  private volatile boolean snapshotsRead;

  private EngineTaskScaler(TaskScaler.Builder b) {
    this.options = b;
    this.limits = new Limits(b.maxInstances, b.capacityPerInstance, b.maxUseCount);
    this.allocator =
        SlotAllocator.create(
            new SlotLimits(b.maxInstances, b.capacityPerInstance, b.maxUseCount),
            this,
            System::nanoTime);
    this.schedule = PolicySchedule.of(b.policies);
    this.nextTickAt = b.clock.instant();
    this.lastUpdateOk = b.clock.instant();
    this.updateBackoff = new Backoff(new Random(b.randomSeed ^ 0x9E3779B97F4A7C15L));
    this.metrics =
        new ScalerMetrics(
            () -> instancesByState,
            this::tasksByState,
            () -> activePolicy().idleCount(),
            b.maxInstances,
            b.capacityPerInstance,
            b.maxUseCount);
    double limit = b.scaleThrottleLimit == 0 ? 100 : b.scaleThrottleLimit;
    int burst = b.scaleThrottleBurst > 0 ? b.scaleThrottleBurst : b.maxInstances;
    boolean connectorUsed =
        !b.instanceReadyCommand.isEmpty() || b.connectorHeartbeat || b.acquireHeartbeat;
    Executor executor = b.connectorExecutor;
    ExecutorService owned = null;
    if (connectorUsed && executor == null) {
      owned =
          Executors.newThreadPerTaskExecutor(
              Thread.ofVirtual().name("fleetscaler-connector-", 0).factory());
      executor = owned;
    }
    this.ownedExecutor = owned;
    Connector connector = connectorUsed ? connector(b) : null;
    this.checks =
        connector != null && executor != null
            ? new ConnectorChecks(connector, executor, this::wake)
            : null;
    this.acquireHeartbeat =
        b.acquireHeartbeat && executor != null
            ? new AcquireHeartbeat(
                b.group, b.connectorHeartbeat ? connector : null, b.readinessTimeout, executor)
            : null;
    this.readiness =
        new ReadinessGate(
            checks,
            b.instanceReadyCommand,
            b.readinessTimeout,
            new Backoff(new Random(b.randomSeed ^ 0x5DEECE66DL)),
            b.clock);
    this.calls = new PluginCalls(metrics, b.clock, System::nanoTime);
    this.why = new WaitExplainer(b.maxInstances, b.capacityPerInstance, this::waitReasons);
    this.provisioner =
        new Provisioner(b.group, allocator, b.clock, b.creationTimeout, metrics, readiness, calls);
    this.state =
        new StateKeeper(b, allocator, provisioner, holders, this::withControl, this::release);
    this.connects = state::connectInfo;
    this.actuator =
        new Actuator(
            b.group,
            allocator,
            b.clock,
            limits,
            b.deletionRetryInterval,
            new TokenBucket(limit, burst, b.clock.instant()),
            new Backoff(new Random(b.randomSeed)),
            readiness.backoff(),
            metrics,
            provisioner,
            b.decisionListener,
            calls,
            why,
            readiness);
    this.standbyMetrics = new StandbyMetrics();
    this.standby =
        new StandbyPool(
            b.group,
            calls,
            metrics,
            standbyMetrics,
            provisioner,
            allocator,
            this::activePolicy,
            // Work no free slot serves yet: instances that become ready together go to it first.
            () -> waiters.size() + pendingReservations.size() - (int) allocator.counts().idle(),
            b.creationTimeout);
    provisioner.standby(standby);
    actuator.standby(standby);
    standbyMetrics.target(standby::target);
    metrics.updateAge(() -> Duration.between(lastUpdateOk, b.clock.instant()));
    this.reserveOps = metrics.taskOperation("reserve");
    this.unreserveOps = metrics.taskOperation("unreserve");
    this.acquireOps = metrics.taskOperation("acquire");
    this.releaseOps = metrics.taskOperation("release");
    this.health =
        new HealthChecker(
            b.group,
            allocator,
            b.clock,
            b.heartbeatInterval,
            b.failureThreshold,
            metrics,
            b.connectorHeartbeat ? checks : null,
            b.readinessTimeout);
    this.loop =
        b.manualTicks ? null : new TickLoop(this::tick, this::interval, b.clock, this::withControl);
    this.lastSnapshot =
        new ScalerSnapshot(
            List.of(), 0, Map.of(), allocator.counts(), 0, 0, activePolicy(), List.of());
  }

  /**
   * The builder's connector, else SSH with its settings, else with the plugin's connector config.
   */
  private static Connector connector(TaskScaler.Builder b) {
    Connector given = b.connector;
    if (given != null) {
      return given;
    }
    ConnectorSettings settings = b.connectorSettings;
    if (settings == null) {
      settings = new ConnectorSettings(b.settings.connector(), false);
    }
    return Connector.ssh(settings, b.group::connectInfo, b.clock);
  }

  /** A connector check finished on the executor: tick soon to apply it. */
  private void wake() {
    TickLoop l = loop;
    if (l == null || shutDown.get()) {
      return;
    }
    if (control.isHeldByCurrentThread()) {
      l.nudge(Duration.ZERO);
    } else {
      withControl(() -> l.nudge(Duration.ZERO));
    }
  }

  /** Applies the connector checks that finished: readiness verdicts, connector heartbeats. */
  private void applyCheckOutcomes() {
    ConnectorChecks c = checks;
    if (c == null) {
      return;
    }
    for (ConnectorChecks.Outcome o : c.drain()) {
      switch (o.kind()) {
        case READINESS -> readiness.complete(o, provisioner, actuator);
        case HEARTBEAT -> health.complete(o, provisioner);
      }
    }
  }

  static TaskScaler start(TaskScaler.Builder b) {
    b.validate();
    b.group.deadline(b.inlinePluginCalls ? null : b.pluginCallTimeout);
    ProviderInfo info = b.group.init(b.settings, b.pluginConfigJson);
    EngineTaskScaler scaler = new EngineTaskScaler(b);
    scaler.standby.supported(info.capabilities().contains(Capability.SUSPEND_RESUME));
    scaler.state.open(b.stateDir, info.id());
    if (b.meterRegistry != null) {
      scaler.metrics().bindTo(b.meterRegistry);
    }
    if (scaler.loop != null) {
      scaler.loop.start();
    }
    return scaler;
  }

  // ---- request methods ----

  @Override
  public ReserveResult reserve(String key) {
    reserveOps.increment();
    if (shutDown.get()) {
      return ReserveResult.NO_CAPACITY;
    }
    if (restoring(key)) {
      return ReserveResult.ALREADY_HELD; // its saved reservation comes back with its instance
    }
    Claim claim = allocator.reserve(key);
    switch (claim) {
      case Slot slot -> {
        settle(holders.put(key, HeldSlot.reserved(key, slot, connects)));
        changed();
        planSoon();
        return ReserveResult.RESERVED;
      }
      case Refusal refusal -> {
        if (refusal != Refusal.NO_CAPACITY) {
          HeldSlot h = holders.get(key);
          // A restored reservation asked for again: it is the key's once more.
          return h != null && !h.acquired() && h.settle()
              ? ReserveResult.RESERVED
              : ReserveResult.ALREADY_HELD;
        }
      }
    }
    if (activePolicy().preemptiveMode()) {
      return ReserveResult.NO_CAPACITY;
    }
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
    demandChanged();
    return ReserveResult.ACCEPTED_PENDING;
  }

  @Override
  public boolean unreserve(String key) {
    unreserveOps.increment();
    if (restoring(key) && giveUpEarly(key)) {
      return true;
    }
    // A serve that turns the pending reservation into a slot records the holder before it takes
    // the key off the pending set: a key found in neither was unreserved or never pending.
    for (int attempt = 0; ; attempt++) {
      HeldSlot held = holders.get(key);
      if (held != null) {
        Outcome outcome = allocator.unreserve(key);
        if (outcome == Outcome.FREED || outcome == Outcome.NOT_HELD) {
          holders.remove(key, held);
          held.settle();
          changed();
          planSoon();
          return outcome == Outcome.FREED;
        }
        return false;
      }
      if (pendingReservations.remove(key)) {
        return true;
      }
      if (attempt > 0 || !holders.containsKey(key)) {
        return false;
      }
    }
  }

  @Override
  public CompletableFuture<Acquisition> acquire(String key, Duration timeout) {
    acquireOps.increment();
    demand.arrived();
    if (shutDown.get()) {
      return CompletableFuture.failedFuture(new NoCapacityException("the scaler is shut down"));
    }
    Claim claim = restoring(key) ? Refusal.NO_CAPACITY : allocator.acquire(key);
    switch (claim) {
      case Slot slot -> {
        HeldSlot held = new HeldSlot(key, slot, connects);
        settle(holders.put(key, held));
        planSoon(); // refill the idle pool now, not at the next tick
        // A slot was free although the key's reservation was still pending: that one is done.
        pendingReservations.remove(key);
        if (acquireHeartbeat == null) {
          // The common path: no heartbeat to wait for, so no waiter and no clock read.
          why.acquireWaited(0);
          CompletableFuture<Acquisition> future = new CompletableFuture<>();
          deliver(key, held, future);
          return future;
        }
        Instant start = options.clock.instant();
        Waiter w = new Waiter(key, new CompletableFuture<>(), start.plus(timeout));
        timeWait(w.future(), start);
        handOut(w, held);
        return w.future();
      }
      case Refusal refusal -> {
        if (refusal != Refusal.NO_CAPACITY) {
          HeldSlot h = holders.get(key);
          if (h != null && h.acquired() && h.settle()) {
            // A restored acquisition asked for again: saved already, so handed back at once.
            return CompletableFuture.completedFuture(h);
          }
          if (h == null || !h.restoredPending()) {
            return CompletableFuture.failedFuture(
                new IllegalStateException("key " + key + " has already acquired a slot"));
          }
          // Its grace period is ending under control: wait there for the outcome.
        }
      }
    }
    // A job is already assigned to the caller: even at the fleet's maximum it waits (up to its
    // timeout) for a slot to be released rather than failing at once.
    CompletableFuture<Acquisition> future = new CompletableFuture<>();
    Instant start = options.clock.instant();
    Waiter w = new Waiter(key, future, start.plus(timeout));
    timeWait(future, start);
    if (waiters.putIfAbsent(key, w) != null) {
      future.completeExceptionally(
          new IllegalStateException("key " + key + " is already waiting for a slot"));
      return future;
    }
    pendingReservations.remove(key);
    waitOrder.offer(w);
    if (shutDown.get()) {
      if (waiters.remove(key, w)) {
        future.completeExceptionally(new NoCapacityException("the scaler is shut down"));
      }
      return future;
    }
    // Event-driven scale-up: serve it if a slot is free by now, and plan at once rather than at
    // the next tick.
    demandChanged();
    planSoon();
    return future;
  }

  /** Records how long the acquisition waited when {@code future} completes, however it does. */
  private void timeWait(CompletableFuture<Acquisition> future, Instant start) {
    var unused =
        future.whenComplete(
            (a, e) ->
                why.acquireWaited(
                    Math.max(0, Duration.between(start, options.clock.instant()).toNanos())));
  }

  @Override
  public boolean release(String key) {
    releaseOps.increment();
    if (restoring(key) && giveUpEarly(key)) {
      return true;
    }
    Outcome outcome = allocator.release(key);
    if (outcome == Outcome.NOT_ACQUIRED) {
      throw new IllegalStateException("key " + key + " is only reserved; call unreserve");
    }
    HeldSlot held = holders.remove(key);
    if (held != null) {
      held.settle();
    }
    if (outcome != Outcome.FREED) {
      return false;
    }
    changed();
    if (held != null) {
      provisioner.lastRelease.put(held.instanceId(), options.clock.instant());
    }
    if (!waiters.isEmpty() || !pendingReservations.isEmpty()) {
      demandChanged();
    }
    planSoon(); // the last use of an instance deletes it now, not at the next tick
    return true;
  }

  @Override
  public void revoked(String key, String instanceId, String cause) {
    // Called by the allocator on the provisioner's thread, under the control lock.
    HeldSlot held = holders.remove(key);
    if (held != null) {
      held.settle();
      held.revoke(cause);
      deferred.add(held::signal);
    }
  }

  // ---- control ----

  @Override
  public void configure(List<Policy> policies) {
    schedule = PolicySchedule.of(policies);
    planSoon();
  }

  @Override
  public void tick() {
    withControl(
        () -> {
          boolean updated = provisioner.update();
          why.updated(updated, options.clock.instant());
          if (updated) {
            lastUpdateOk = options.clock.instant();
            updateBackoff.succeed();
            updateRetryIn = Duration.ZERO;
          } else {
            updateRetryIn = updateBackoff.fail(options.clock.instant());
          }
          applyCheckOutcomes();
          if (updated) {
            health.check(provisioner.tracked());
            applyCheckOutcomes();
            actuator.retryDeletions();
          }
          serveLocked();
          expireLocked(options.clock.instant());
          expireRestoredLocked(options.clock.instant());
          forgetGoneLocked();
          if (updated && !shutDown.get()) {
            planRequested.set(false); // this plan answers the events before it
            actuator.planAndApply(activePolicy(), waiters.size(), false);
          }
          publishKnownLocked();
          nextTickAt = options.clock.instant().plus(interval());
          if (snapshotsRead) {
            snapshotLocked();
          }
        });
  }

  @Override
  public Instant nextTickAt() {
    return nextTickAt;
  }

  @Override
  public Instant lastSuccessfulUpdate() {
    return lastUpdateOk;
  }

  /**
   * Demand or supply changed (a slot taken or freed, a reservation, an acquisition that waits, a
   * policy change): asks for one plan without an update, unless one is asked for already and has
   * not started. With the scaler's own loop the plan runs on the loop's thread (it may call the
   * plugin); with manual ticks, on this thread when the control lock is free, else on the lock's
   * holder as it unlocks, as waiting demand is served. Lock-free, never waits; any thread, with or
   * without the lock.
   */
  private void planSoon() {
    if (shutDown.get() || planRequested.getAndSet(true)) {
      return;
    }
    TickLoop l = loop;
    if (l == null) {
      drainDemand();
    } else if (!l.execute(this::planStep)) {
      planRequested.set(false);
    }
  }

  /** On the loop's thread: the plan {@link #planSoon} asked for, unless a tick planned since. */
  private void planStep() {
    withControl(
        () -> {
          if (planRequested.getAndSet(false) && !shutDown.get()) {
            planNowLocked();
          }
        });
  }

  /**
   * One plan without an update, answering events: serves waiting demand, plans and applies, and
   * while instances are expected or acquisitions wait brings the next tick forward to {@code
   * update_interval_when_expecting}, to see soon what the plan started. While update fails the tick
   * stays where its backoff put it: events must not turn an outage into polling at the rate demand
   * arrives. Under control.
   */
  private void planNowLocked() {
    eventPlans.increment();
    serveLocked();
    actuator.planAndApply(activePolicy(), waiters.size(), false);
    publishKnownLocked();
    if (updateRetryIn.isZero() && (provisioner.expecting() || !waiters.isEmpty())) {
      Duration soon = options.updateIntervalWhenExpecting;
      Instant at = options.clock.instant().plus(soon);
      if (at.isBefore(nextTickAt)) {
        nextTickAt = at;
      }
      TickLoop l = loop;
      if (l != null) {
        l.nudge(soon);
      }
    }
  }

  /**
   * The delay before the next tick: short while instances are coming or going or acquisitions wait.
   * Pending reservations alone do not count: they create nothing, so nothing is expected. While
   * update fails, the backoff's wait when it is longer. Called under control (or, in tests, with no
   * loop running).
   */
  Duration interval() {
    ConnectorChecks c = checks;
    Duration base =
        provisioner.expecting() || !waiters.isEmpty() || (c != null && c.busy())
            ? options.updateIntervalWhenExpecting
            : options.updateInterval;
    return updateRetryIn.compareTo(base) > 0 ? updateRetryIn : base;
  }

  /**
   * Waiting demand changed on a request thread: serve it now if the control lock is free, else
   * leave it to the lock's holder, which drains after unlocking. Never waits.
   */
  private void demandChanged() {
    demandChanged.set(true);
    drainDemand();
  }

  /**
   * Serves changed waiting demand, and with manual ticks runs the plan asked for, while the lock
   * can be had without waiting.
   */
  private void drainDemand() {
    if (control.isHeldByCurrentThread()) {
      return; // an outer section of this thread drains when it unlocks
    }
    while ((demandChanged.get() || (loop == null && planRequested.get())) && control.tryLock()) {
      List<Runnable> toRun;
      try {
        if (demandChanged.getAndSet(false)) {
          serveLocked();
        }
        if (loop == null && planRequested.getAndSet(false) && !shutDown.get()) {
          planNowLocked();
        }
        toRun = drainDeferred();
      } finally {
        control.unlock();
      }
      toRun.forEach(Runnable::run);
    }
  }

  /** Places waiting acquisitions, then pending reservations, on free slots, in arrival order. */
  private void serveLocked() {
    for (Iterator<Waiter> it = waitOrder.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (!w.equals(waiters.get(w.key())) || w.future().isDone()) {
        waiters.remove(w.key(), w);
        it.remove();
        continue;
      }
      if (restoring(w.key())) {
        continue; // its saved slot comes back with its instance
      }
      Claim claim = allocator.acquire(w.key());
      HeldSlot restored = holders.get(w.key());
      if (claim instanceof Slot slot) {
        HeldSlot held = new HeldSlot(w.key(), slot, connects);
        settle(holders.put(w.key(), held));
        waiters.remove(w.key(), w);
        it.remove();
        deferred.add(() -> handOut(w, held));
      } else if (claim == Refusal.NO_CAPACITY) {
        break;
      } else if (restored != null && restored.acquired() && restored.settle()) {
        waiters.remove(w.key(), w);
        it.remove();
        deferred.add(
            () -> {
              if (!w.future().complete(restored)) {
                release(w.key());
              }
            });
      } else {
        waiters.remove(w.key(), w);
        it.remove();
        deferred.add(
            () ->
                w.future()
                    .completeExceptionally(
                        new IllegalStateException("key " + w.key() + " already acquired")));
      }
    }
    if (waiters.isEmpty()) {
      serveReservationsLocked();
    }
    publish();
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
        settle(holders.put(key, held));
        if (pendingReservations.remove(key)) {
          changed();
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
    deliver(w.key(), held, w.future());
  }

  /**
   * The acquire heartbeat of the instance {@code held} is on ended: hand the slot out, or count the
   * failure, give the slot back and let the key wait for another (until its deadline).
   */
  private void heartbeatDone(Waiter w, HeldSlot held, @Nullable String failure) {
    if (failure == null) {
      withControl(
          () -> {
            Provisioner.Tracked t = provisioner.tracked(held.instanceId());
            if (t != null) {
              health.passed(t);
            }
          });
      deliver(w.key(), held, w.future());
      return;
    }
    withControl(
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
          if (shutDown.get()) {
            deferred.add(
                () ->
                    w.future()
                        .completeExceptionally(new NoCapacityException("the scaler shut down")));
            return;
          }
          waiters.put(w.key(), w);
          waitOrder.offer(w);
          serveLocked();
          planSoon();
        });
  }

  private void expireLocked(Instant now) {
    for (Iterator<Waiter> it = waitOrder.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (!w.equals(waiters.get(w.key()))) {
        it.remove();
      } else if (!now.isBefore(w.deadline()) && waiters.remove(w.key(), w)) {
        it.remove();
        WaitReasons held = waitReasons();
        why.acquireTimedOut(held);
        String message =
            "no slot became ready in time: " + noCapacityMessage() + "; held by: " + held.summary();
        deferred.add(() -> w.future().completeExceptionally(new NoCapacityException(message)));
      }
    }
    publish();
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

  private Policy activePolicy() {
    Instant now = options.clock.instant();
    return demand.size(schedule.activeAt(now), now);
  }

  private void publish() {
    instancesByState = provisioner.countsByState();
  }

  private Map<String, Long> tasksByState() {
    SlotCounts c = allocator.counts();
    return Map.of(
        "idle", c.idle(),
        "pending", (long) waiters.size() + pendingReservations.size(),
        "reserved", c.reserved(),
        "acquired", c.acquired(),
        "unavailable", c.unavailable(),
        "unhealthy", c.unhealthy());
  }

  /** Runs {@code body} under the control lock, then the completions it deferred, outside it. */
  private void withControl(Runnable body) {
    List<Runnable> toRun;
    control.lock();
    try {
      body.run();
      publish();
      toRun = drainDeferred();
    } finally {
      control.unlock();
    }
    toRun.forEach(Runnable::run);
    drainDemand();
  }

  private List<Runnable> drainDeferred() {
    if (deferred.isEmpty()) {
      return List.of();
    }
    List<Runnable> copy = List.copyOf(deferred);
    deferred.clear();
    return copy;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Never waits: when the control lock is busy (the provisioner may be inside a plugin call),
   * the instances, requests and decisions are those of the last picture taken under it (at the
   * latest, the end of the last tick), and the slot counts, pending demand, instance counts and
   * policy are read fresh without it.
   */
  @Override
  public ScalerSnapshot snapshot() {
    snapshotsRead = true;
    if (control.tryLock()) {
      ScalerSnapshot taken;
      List<Runnable> toRun;
      try {
        taken = snapshotLocked();
        toRun = drainDeferred();
      } finally {
        control.unlock();
      }
      toRun.forEach(Runnable::run);
      drainDemand();
      return taken;
    }
    ScalerSnapshot last = lastSnapshot;
    return new ScalerSnapshot(
        last.instances(),
        last.requested(),
        instancesByState,
        allocator.counts(),
        waiters.size(),
        pendingReservations.size(),
        activePolicy(),
        last.recentDecisions(),
        last.standby());
  }

  /** Takes a picture under control and keeps it for readers that find the lock busy. */
  private ScalerSnapshot snapshotLocked() {
    ScalerSnapshot taken =
        new ScalerSnapshot(
            provisioner.fleet(waiters.size(), false).instances(),
            provisioner.requestedCount(),
            provisioner.countsByState(),
            allocator.counts(),
            waiters.size(),
            pendingReservations.size(),
            activePolicy(),
            actuator.decisions(),
            standby.status());
    lastSnapshot = taken;
    return taken;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Never waits: the provisioner's side is what it published at its last plan or update.
   */
  @Override
  public WaitReasons waitReasons() {
    SlotCounts c = allocator.counts();
    return why.explain(
        options.clock.instant(),
        activePolicy(),
        c,
        waiters.size(),
        pendingReservations.size(),
        instancesByState,
        shutDown.get());
  }

  @Override
  public MeterBinder metrics() {
    return registry -> {
      metrics.bindTo(registry);
      standbyMetrics.bindTo(registry);
      why.bindTo(registry);
      state.bindTo(registry);
    };
  }

  /** Counter values for tests. */
  long counter(String name, String tag, String value) {
    return metrics.count(name, tag, value);
  }

  /** How many plans ran to answer events (ticks' own plans not counted), for tests. */
  long eventPlans() {
    return eventPlans.sum();
  }

  @Override
  public void shutdown() {
    if (!shutDown.compareAndSet(false, true)) {
      return;
    }
    if (loop != null) {
      loop.stop();
    }
    withControl(
        () -> {
          for (Waiter w : waiters.values()) {
            deferred.add(
                () ->
                    w.future()
                        .completeExceptionally(new NoCapacityException("the scaler shut down")));
          }
          waiters.clear();
          waitOrder.clear();
          pendingReservations.clear();
          reservationOrder.clear();
          if (options.deleteInstancesOnShutdown && provisioner.update()) {
            deleteAllLocked();
          }
          publishKnownLocked();
        });
    if (options.deleteInstancesOnShutdown) {
      awaitDeletion();
    }
    state.close(); // the last save, before the plugin goes: nothing after it changes the fleet
    // Only now: a plugin shut down first could not delete or report anything (the reference
    // stack once killed its plugin before scaling in and leaked every instance).
    options.group.shutdown();
    if (ownedExecutor != null) {
      // Checks still running are abandoned: their outcomes would never be applied.
      ownedExecutor.shutdownNow();
    }
  }

  /** Revokes every held slot and asks the cloud to delete every instance. Under control. */
  private void deleteAllLocked() {
    provisioner.revokeAll("the scaler shut down and deletes its instances");
    actuator.planAndApply(activePolicy(), 0, true);
  }

  /**
   * Polls the plugin every {@code shutdown_deletion_interval}, at most {@code
   * shutdown_deletion_retries} times, until it reports no instance; deletes what appears meanwhile
   * (instances whose creation was under way).
   */
  private void awaitDeletion() {
    boolean[] gone = {false};
    withControl(() -> gone[0] = provisioner.empty());
    for (int poll = 0; poll < options.shutdownDeletionRetries && !gone[0]; poll++) {
      try {
        options.sleeper.sleep(options.shutdownDeletionInterval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      withControl(
          () -> {
            if (provisioner.update()) {
              deleteAllLocked();
              gone[0] = provisioner.empty();
            }
            publishKnownLocked();
          });
    }
    if (!gone[0]) {
      LOG.log(
          System.Logger.Level.WARNING,
          "shutdown: the plugin still reports instances after {0} polls; they stay in the saved"
              + " state (if enabled) and are deleted at the next start",
          options.shutdownDeletionRetries);
    }
  }

  // ---- state storage: delegated ----

  private boolean restoring(String key) {
    return state.restoring(key);
  }

  private boolean giveUpEarly(String key) {
    return state.giveUpEarly(key);
  }

  private void changed() {
    state.changed();
  }

  private void deliver(String key, HeldSlot held, CompletableFuture<Acquisition> to) {
    state.deliver(key, held, to);
  }

  private void expireRestoredLocked(Instant now) {
    state.expireRestoredLocked(now);
  }

  private void forgetGoneLocked() {
    state.forgetGoneLocked();
  }

  private void publishKnownLocked() {
    provisioner.publishKnown();
  }

  private static void settle(@Nullable HeldSlot previous) {
    if (previous != null) {
      previous.settle();
    }
  }
}
