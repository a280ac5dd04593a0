package io.fleetscaler.core.scaler;

import io.fleetscaler.core.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The provisioner's steps and their cadence: a tick (update, apply connector checks and heartbeats,
 * retry deletions, serve and expire waiting demand, plan and apply), the plan an event asks for
 * ({@link #planLocked}, run by {@link ControlLock#planSoon}), when the next tick is due, and the
 * backoff of a failing {@code update}.
 *
 * <p>Threads: the steps run under the control lock, on the provisioner's side (the loop's thread,
 * or the caller's with manual ticks); {@link #nextTickAt} and {@link #lastUpdateOk} are published
 * for lock-free readers; {@link #wake} may be called from any thread (a connector check's).
 */
final class Reconciliation {
  private final TaskScaler.Builder options;
  private final ControlLock control;
  private final Provisioner provisioner;
  private final Actuator actuator;
  private final HealthChecker health;
  private final ReadinessGate readiness;
  private final @Nullable ConnectorChecks checks;
  private final WaitExplainer why;
  private final WaitingDemand demand;
  private final StateKeeper state;
  private final SnapshotViews views;
  private final Supplier<Policy> policy;
  private final BooleanSupplier shutDown;
  private final Backoff updateBackoff;
  // When the loop's next step is due; kept in manual mode too, so a driver can follow the cadence.
  // Written under control, read without it.
  private volatile Instant nextTickAt;
  // While update fails: the wait its backoff drew for the next one; zero otherwise. Under control.
  private Duration updateRetryIn = Duration.ZERO;
  private volatile Instant lastUpdateOk;

  Reconciliation(
      TaskScaler.Builder options,
      ControlLock control,
      Provisioner provisioner,
      Actuator actuator,
      HealthChecker health,
      ReadinessGate readiness,
      @Nullable ConnectorChecks checks,
      WaitExplainer why,
      WaitingDemand demand,
      StateKeeper state,
      SnapshotViews views,
      Supplier<Policy> policy,
      BooleanSupplier shutDown) {
    this.options = options;
    this.control = control;
    this.provisioner = provisioner;
    this.actuator = actuator;
    this.health = health;
    this.readiness = readiness;
    this.checks = checks;
    this.why = why;
    this.demand = demand;
    this.state = state;
    this.views = views;
    this.policy = policy;
    this.shutDown = shutDown;
    this.nextTickAt = options.clock.instant();
    this.lastUpdateOk = options.clock.instant();
    this.updateBackoff = new Backoff(new Random(options.randomSeed ^ 0x9E3779B97F4A7C15L));
  }

  /** One provisioner step: see {@link TaskScaler#tick()}. Under control. */
  void tickLocked() {
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
    demand.serveLocked();
    demand.expireLocked(options.clock.instant());
    state.expireRestoredLocked(options.clock.instant());
    state.forgetGoneLocked();
    if (updated && !shutDown.getAsBoolean()) {
      control.tickPlanStarts(); // this plan answers the events before it
      actuator.planAndApply(policy.get(), demand.waiting(), false);
    }
    provisioner.publishKnown();
    nextTickAt = options.clock.instant().plus(interval());
    views.refreshLocked();
  }

  /**
   * One plan without an update, answering events: serves waiting demand, plans and applies, and
   * while instances are expected or acquisitions wait brings the next tick forward to {@code
   * update_interval_when_expecting}, to see soon what the plan started. While update fails the tick
   * stays where its backoff put it: events must not turn an outage into polling at the rate demand
   * arrives. Under control.
   */
  void planLocked() {
    demand.serveLocked();
    actuator.planAndApply(policy.get(), demand.waiting(), false);
    provisioner.publishKnown();
    if (updateRetryIn.isZero() && (provisioner.expecting() || demand.waiting() > 0)) {
      Duration soon = options.updateIntervalWhenExpecting;
      Instant at = options.clock.instant().plus(soon);
      if (at.isBefore(nextTickAt)) {
        nextTickAt = at;
      }
      TickLoop l = control.loop();
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
        provisioner.expecting() || demand.waiting() > 0 || (c != null && c.busy())
            ? options.updateIntervalWhenExpecting
            : options.updateInterval;
    return updateRetryIn.compareTo(base) > 0 ? updateRetryIn : base;
  }

  /** When the loop's next step is due. Lock-free. */
  Instant nextTickAt() {
    return nextTickAt;
  }

  /** When {@code update} last succeeded. Lock-free. */
  Instant lastUpdateOk() {
    return lastUpdateOk;
  }

  /** A connector check finished on the executor: tick soon to apply it. Any thread. */
  void wake() {
    TickLoop l = control.loop();
    if (l == null || shutDown.getAsBoolean()) {
      return;
    }
    if (control.heldByCurrentThread()) {
      l.nudge(Duration.ZERO);
    } else {
      control.withControl(() -> l.nudge(Duration.ZERO));
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
}
