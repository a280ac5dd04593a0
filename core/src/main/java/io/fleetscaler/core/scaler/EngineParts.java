package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.Limits;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.policy.PolicySchedule;
import io.fleetscaler.core.slots.RemovalListener;
import io.fleetscaler.core.slots.SlotAllocator;
import io.fleetscaler.core.slots.SlotLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One scaler's parts, built from the builder's options and wired to each other: the allocator and
 * the request path's shared state (held slots, the shutdown flag, the policy schedule), the control
 * lock, waiting demand, the provisioner's side (provisioner, actuator, health, readiness, standby
 * pool, reconciliation), state storage and the read side. The composition root of one {@link
 * EngineTaskScaler}; parts that call each other before all exist do so through this object's
 * methods, taken as method references while it is built.
 *
 * <p>Built once on the thread that builds the scaler, before the scaler is handed out or its loop
 * runs; its fields never change afterwards except {@link #schedule} (volatile: a policy change is
 * read by every thread).
 */
final class EngineParts {
  final TaskScaler.Builder options;
  final SlotAllocator allocator;
  final ScalerMetrics metrics;
  final Provisioner provisioner;
  final Actuator actuator;
  final @Nullable ExecutorService ownedExecutor;
  final WaitExplainer why;
  final Map<String, HeldSlot> holders = new ConcurrentHashMap<>();
  final AtomicBoolean shutDown = new AtomicBoolean();
  final StateKeeper state;
  final HeldSlot.ConnectSource connects;
  final StandbyPool standby;
  final StandbyMetrics standbyMetrics;
  // Recent acquisitions, for policies that size their targets from demand.
  final DemandHistory demandHistory = new DemandHistory();
  final ControlLock control;
  final WaitingDemand demand;
  final SnapshotViews views;
  final Reconciliation reconciliation;
  volatile PolicySchedule schedule;

  /**
   * @param revocations told (under the control lock) when the allocator revokes a held slot
   * @param release the request path's release, for slots given back on a caller's behalf
   */
  EngineParts(TaskScaler.Builder b, RemovalListener revocations, Consumer<String> release) {
    this.options = b;
    Limits limits = new Limits(b.maxInstances, b.capacityPerInstance, b.maxUseCount);
    this.allocator =
        SlotAllocator.create(
            new SlotLimits(b.maxInstances, b.capacityPerInstance, b.maxUseCount),
            revocations,
            System::nanoTime);
    this.schedule = PolicySchedule.of(b.policies);
    this.metrics = metrics();
    PluginCalls calls = new PluginCalls(metrics, b.clock, System::nanoTime);
    ConnectorParts connectors = ConnectorParts.of(b, calls, this::wake);
    this.ownedExecutor = connectors.owned();
    ReadinessGate readiness = readiness(connectors);
    this.why = new WaitExplainer(b.maxInstances, b.capacityPerInstance, this::waitReasons);
    this.provisioner =
        new Provisioner(b.group, allocator, b.clock, b.creationTimeout, metrics, readiness, calls);
    this.state =
        new StateKeeper(b, allocator, provisioner, holders, this::withControl, release, calls);
    this.connects = state::connectInfo;
    this.actuator = actuator(limits, readiness, calls);
    this.standbyMetrics = new StandbyMetrics();
    this.standby = standby(calls);
    provisioner.standby(standby);
    actuator.standby(standby);
    standbyMetrics.target(standby::target);
    HealthChecker health = health(connectors, calls);
    this.control = control();
    this.demand = demand(limits, health, connectors.acquireHeartbeat(), release);
    this.views =
        new SnapshotViews(
            control,
            provisioner,
            allocator,
            actuator,
            demand,
            why,
            b.clock,
            this::activePolicy,
            standby,
            shutDown::get);
    this.reconciliation = reconciliation(health, readiness, connectors.checks());
    metrics.updateAge(
        () -> Duration.between(reconciliation.lastUpdateOk(), options.clock.instant()));
  }

  private ScalerMetrics metrics() {
    TaskScaler.Builder b = options;
    return new ScalerMetrics(
        this::instancesByState,
        this::tasksByState,
        () -> activePolicy().idleCount(),
        b.maxInstances,
        b.capacityPerInstance,
        b.maxUseCount);
  }

  private ReadinessGate readiness(ConnectorParts connectors) {
    TaskScaler.Builder b = options;
    return new ReadinessGate(
        connectors.checks(),
        b.instanceReadyCommand,
        b.readinessTimeout,
        new Backoff(new Random(b.randomSeed ^ 0x5DEECE66DL)),
        b.clock);
  }

  private ControlLock control() {
    return new ControlLock(
        this::serveLocked,
        this::planLocked,
        this::publish,
        shutDown::get,
        options.manualTicks,
        this::tick,
        this::interval,
        options.clock);
  }

  private Reconciliation reconciliation(
      HealthChecker health, ReadinessGate readiness, @Nullable ConnectorChecks checks) {
    return new Reconciliation(
        options,
        control,
        provisioner,
        actuator,
        health,
        readiness,
        checks,
        why,
        demand,
        state,
        views,
        this::activePolicy,
        shutDown::get);
  }

  private Actuator actuator(Limits limits, ReadinessGate readiness, PluginCalls calls) {
    TaskScaler.Builder b = options;
    double limit = b.scaleThrottleLimit == 0 ? 100 : b.scaleThrottleLimit;
    int burst = b.scaleThrottleBurst > 0 ? b.scaleThrottleBurst : b.maxInstances;
    return new Actuator(
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
  }

  private StandbyPool standby(PluginCalls calls) {
    return new StandbyPool(
        options.group,
        calls,
        metrics,
        standbyMetrics,
        provisioner,
        allocator,
        this::activePolicy,
        // Work no free slot serves yet: instances that become ready together go to it first.
        this::unserved,
        options.creationTimeout);
  }

  private HealthChecker health(ConnectorParts connectors, PluginCalls calls) {
    TaskScaler.Builder b = options;
    return new HealthChecker(
        b.group,
        allocator,
        b.clock,
        b.heartbeatInterval,
        b.failureThreshold,
        metrics,
        calls,
        b.connectorHeartbeat ? connectors.checks() : null,
        b.readinessTimeout);
  }

  private WaitingDemand demand(
      Limits limits,
      HealthChecker health,
      @Nullable AcquireHeartbeat acquireHeartbeat,
      Consumer<String> release) {
    return new WaitingDemand(
        control,
        allocator,
        limits,
        options.clock,
        holders,
        connects,
        state,
        provisioner,
        health,
        acquireHeartbeat,
        why,
        this::waitReasons,
        shutDown::get,
        release,
        this::publish);
  }

  /** The policy in force now. Lock-free. */
  Policy activePolicy() {
    Instant now = options.clock.instant();
    return demandHistory.size(schedule.activeAt(now), now);
  }

  /** Runs {@code body} under the control lock (see {@link ControlLock#withControl}). */
  void withControl(Runnable body) {
    control.withControl(body);
  }

  /** One provisioner step, under the control lock. */
  void tick() {
    control.withControl(reconciliation::tickLocked);
  }

  /** The delay before the next tick (see {@link Reconciliation#interval}). */
  Duration interval() {
    return reconciliation.interval();
  }

  /** Why jobs wait, now (see {@link SnapshotViews#waitReasons}). */
  WaitReasons waitReasons() {
    return views.waitReasons();
  }

  // ---- entry points taken as method references before the parts they reach exist ----

  private void serveLocked() {
    demand.serveLocked();
  }

  private void planLocked() {
    reconciliation.planLocked();
  }

  private void publish() {
    views.publish();
  }

  private void wake() {
    reconciliation.wake();
  }

  private Map<String, Integer> instancesByState() {
    return views.instancesByState();
  }

  private Map<String, Long> tasksByState() {
    return views.tasksByState();
  }

  /** Work no free slot serves yet (for the standby pool). */
  private int unserved() {
    return demand.waiting() + demand.pendingReservations() - (int) allocator.counts().idle();
  }
}
