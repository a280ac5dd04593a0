package io.fleetscaler.core.scaler;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.policy.PolicySchedule;
import io.fleetscaler.core.slots.Claim;
import io.fleetscaler.core.slots.Outcome;
import io.fleetscaler.core.slots.Refusal;
import io.fleetscaler.core.slots.RemovalListener;
import io.fleetscaler.core.slots.Slot;
import io.fleetscaler.core.slots.SlotAllocator;
import io.fleetscaler.plugin.api.Capability;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The {@link TaskScaler}: the request path. Request methods try the lock-free allocator first; what
 * must wait (acquisitions without a free slot, reservations accepted beyond ready capacity) goes to
 * {@link WaitingDemand}, served under the one control lock ({@link ControlLock}) that also
 * serializes the provisioner's side ({@link Reconciliation}: updates, plans and their plugin
 * calls).
 *
 * <p>The rule this class keeps: a request thread never waits on a plugin call. It takes no lock
 * that the provisioner holds across one; it only <em>tries</em> the control lock (through {@link
 * ControlLock#demandChanged} and {@link ControlLock#planSoon}, the one plan-on-event mechanism),
 * and reads what the provisioner's side published ({@link SnapshotViews}). Futures and cancellation
 * signals are completed outside the lock, so callers' callbacks never run inside it.
 *
 * <p>{@link EngineParts} builds and wires the parts, {@link #start} starts them, {@link
 * ShutdownSequence} stops them. Thread-safe: every request method may be called from any thread.
 */
final class EngineTaskScaler implements TaskScaler, RemovalListener {
  private final EngineParts parts;
  // The parts the request path uses, named once.
  private final TaskScaler.Builder options;
  private final SlotAllocator allocator;
  private final Map<String, HeldSlot> holders;
  private final AtomicBoolean shutDown;
  private final HeldSlot.ConnectSource connects;
  private final StateKeeper state;
  private final ControlLock control;
  private final WaitingDemand demand;
  private final Provisioner provisioner;
  private final LongAdder reserveOps;
  private final LongAdder unreserveOps;
  private final LongAdder acquireOps;
  private final LongAdder releaseOps;

  private EngineTaskScaler(TaskScaler.Builder b) {
    this.parts = new EngineParts(b, this, this::release);
    this.options = b;
    this.allocator = parts.allocator;
    this.holders = parts.holders;
    this.shutDown = parts.shutDown;
    this.connects = parts.connects;
    this.state = parts.state;
    this.control = parts.control;
    this.demand = parts.demand;
    this.provisioner = parts.provisioner;
    this.reserveOps = parts.metrics.taskOperation("reserve");
    this.unreserveOps = parts.metrics.taskOperation("unreserve");
    this.acquireOps = parts.metrics.taskOperation("acquire");
    this.releaseOps = parts.metrics.taskOperation("release");
  }

  static TaskScaler start(TaskScaler.Builder b) {
    b.validate();
    b.group.deadline(b.inlinePluginCalls ? null : b.pluginCallTimeout);
    ProviderInfo info = b.group.init(b.settings, b.pluginConfigJson);
    EngineTaskScaler scaler = new EngineTaskScaler(b);
    scaler.parts.standby.supported(info.capabilities().contains(Capability.SUSPEND_RESUME));
    scaler.state.open(b.stateDir, info.id());
    if (b.meterRegistry != null) {
      scaler.metrics().bindTo(b.meterRegistry);
    }
    TickLoop loop = scaler.control.loop();
    if (loop != null) {
      loop.start();
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
    if (state.restoring(key)) {
      return ReserveResult.ALREADY_HELD; // its saved reservation comes back with its instance
    }
    Claim claim = allocator.reserve(key);
    switch (claim) {
      case Slot slot -> {
        settle(holders.put(key, HeldSlot.reserved(key, slot, connects)));
        state.changed();
        control.planSoon();
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
    return demand.reserveLater(key);
  }

  @Override
  public boolean unreserve(String key) {
    unreserveOps.increment();
    if (state.restoring(key) && state.giveUpEarly(key)) {
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
          state.changed();
          control.planSoon();
          return outcome == Outcome.FREED;
        }
        return false;
      }
      if (demand.dropReservation(key)) {
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
    parts.demandHistory.arrived();
    if (shutDown.get()) {
      return CompletableFuture.failedFuture(new NoCapacityException("the scaler is shut down"));
    }
    Claim claim = state.restoring(key) ? Refusal.NO_CAPACITY : allocator.acquire(key);
    switch (claim) {
      case Slot slot -> {
        HeldSlot held = new HeldSlot(key, slot, connects);
        settle(holders.put(key, held));
        control.planSoon(); // refill the idle pool now, not at the next tick
        return demand.handOutNow(key, held, timeout);
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
    return demand.await(key, timeout);
  }

  @Override
  public boolean release(String key) {
    releaseOps.increment();
    if (state.restoring(key) && state.giveUpEarly(key)) {
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
    state.changed();
    if (held != null) {
      provisioner.lastRelease.put(held.instanceId(), options.clock.instant());
    }
    if (demand.any()) {
      control.demandChanged();
    }
    control.planSoon(); // the last use of an instance deletes it now, not at the next tick
    return true;
  }

  @Override
  public void revoked(String key, String instanceId, String cause) {
    // Called by the allocator on the provisioner's thread, under the control lock.
    HeldSlot held = holders.remove(key);
    if (held != null) {
      held.settle();
      held.revoke(cause);
      control.defer(held::signal);
    }
  }

  // ---- control ----

  @Override
  public void configure(List<Policy> policies) {
    parts.schedule = PolicySchedule.of(policies);
    control.planSoon();
  }

  @Override
  public void tick() {
    parts.tick();
  }

  @Override
  public Instant nextTickAt() {
    return parts.reconciliation.nextTickAt();
  }

  @Override
  public Instant lastSuccessfulUpdate() {
    return parts.reconciliation.lastUpdateOk();
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
    return parts.views.snapshot();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Never waits: the provisioner's side is what it published at its last plan or update.
   */
  @Override
  public WaitReasons waitReasons() {
    return parts.waitReasons();
  }

  @Override
  public MeterBinder metrics() {
    return registry -> {
      parts.metrics.bindTo(registry);
      parts.standbyMetrics.bindTo(registry);
      parts.why.bindTo(registry);
      state.bindTo(registry);
    };
  }

  /** Counter values for tests. */
  long counter(String name, String tag, String value) {
    return parts.metrics.count(name, tag, value);
  }

  /** How many plans ran to answer events (ticks' own plans not counted), for tests. */
  long eventPlans() {
    return control.eventPlans();
  }

  /** The delay before the next tick (see {@link Reconciliation#interval}). */
  Duration interval() {
    return parts.interval();
  }

  @Override
  public void shutdown() {
    if (shutDown.compareAndSet(false, true)) {
      new ShutdownSequence(parts).run();
    }
  }

  private Policy activePolicy() {
    return parts.activePolicy();
  }

  /** Ends the restored state of a holding replaced in {@code holders}. */
  static void settle(@Nullable HeldSlot previous) {
    if (previous != null) {
      previous.settle();
    }
  }
}
