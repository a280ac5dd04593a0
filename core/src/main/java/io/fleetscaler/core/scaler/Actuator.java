package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.Deletion;
import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.planner.Limits;
import io.fleetscaler.core.planner.Plan;
import io.fleetscaler.core.planner.Planner;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.slots.InstanceView;
import io.fleetscaler.core.slots.SlotAllocator;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Applies the planner's plans through the plugin: creations under the token-bucket {@code
 * scale_throttle} and a jittered exponential backoff after provider errors, deletions only of
 * instances that are drained and hold nothing, and deletion retries.
 *
 * <p>Not thread-safe: runs under the scaler's control lock, which is also what keeps two increases
 * from racing past {@code max_instances}: each plan counts the requests of the one before, since
 * {@link Provisioner#requested} records them before the lock is released.
 */
final class Actuator {
  private final InstanceGroup group;
  private final SlotAllocator allocator;
  private final InstantSource clock;
  private final Limits limits;
  private final Duration deletionRetryInterval;
  private final TokenBucket throttle;
  private final Backoff backoff;
  private final Backoff readinessBackoff;
  private final ScalerMetrics metrics;
  private final Provisioner provisioner;
  private final Planner planner = Planner.create();
  private final ArrayDeque<Decision> decisions = new ArrayDeque<>();
  private final Consumer<Decision> decisionListener;
  private final PluginCalls calls;
  private @Nullable StandbyPool standby;
  private final WaitExplainer why;
  private final ReadinessGate readiness;

  Actuator(
      InstanceGroup group,
      SlotAllocator allocator,
      InstantSource clock,
      Limits limits,
      Duration deletionRetryInterval,
      TokenBucket throttle,
      Backoff backoff,
      Backoff readinessBackoff,
      ScalerMetrics metrics,
      Provisioner provisioner,
      Consumer<Decision> decisionListener,
      PluginCalls calls,
      WaitExplainer why,
      ReadinessGate readiness) {
    this.group = group;
    this.allocator = allocator;
    this.clock = clock;
    this.limits = limits;
    this.deletionRetryInterval = deletionRetryInterval;
    this.throttle = throttle;
    this.backoff = backoff;
    this.readinessBackoff = readinessBackoff;
    this.metrics = metrics;
    this.provisioner = provisioner;
    this.decisionListener = decisionListener;
    this.calls = calls;
    this.why = why;
    this.readiness = readiness;
  }

  /** Plans with the standby pool from now on: it resumes before anything is created. */
  void standby(StandbyPool pool) {
    standby = pool;
  }

  /** Plans with {@code policy} and applies the plan; returns it. */
  Plan planAndApply(Policy policy, int pending, boolean shuttingDown) {
    Instant now = clock.instant();
    Plan plan = plan(policy, pending, shuttingDown, now);
    metrics.desired(plan.desired());
    List<Deletion> done = applyDeletions(plan.deletions(), now);
    int created = 0;
    String notScaled = "";
    if (plan.create() > 0) {
      if (backoff.active(now) || readinessBackoff.active(now)) {
        notScaled = "backoff";
      } else {
        int allowed = throttle.take(plan.create(), now);
        if (allowed == 0) {
          notScaled = "throttled";
        } else {
          created = increase(allowed, now);
          if (created < 0) {
            notScaled = "provider_error";
            created = 0;
          } else if (created < allowed) {
            notScaled = "quota";
          } else if (allowed < plan.create()) {
            notScaled = "throttled";
          }
        }
      }
    }
    if (notScaled.isEmpty() && plan.limitedByMax()) {
      notScaled = "max_instances";
    }
    if (!notScaled.isEmpty()) {
      metrics.didNotScale(notScaled);
    }
    why.planned(
        plan,
        notScaled,
        created,
        backoff,
        readiness,
        provisioner.tracked(),
        provisioner.requestedCount(),
        now);
    if (plan.create() > 0 || !done.isEmpty() || plan.limitedByMax()) {
      recordDecision(
          new Decision(
              now, plan.create(), created, done, plan.demand(), plan.desired(), notScaled));
    }
    return plan;
  }

  /** The plan for the fleet as it is now: the standby pool's when there is one. */
  private Plan plan(Policy policy, int pending, boolean shuttingDown, Instant now) {
    StandbyPool pool = standby;
    return pool == null
        ? planner.plan(provisioner.fleet(pending, shuttingDown), policy, limits, now)
        : pool.plan(
            planner,
            p -> provisioner.fleet(p, shuttingDown),
            pending,
            shuttingDown,
            policy,
            limits,
            this,
            now);
  }

  /** Keeps the last 32 decisions and tells the listener. */
  private void recordDecision(Decision decision) {
    decisions.addLast(decision);
    while (decisions.size() > 32) {
      decisions.removeFirst();
    }
    try {
      decisionListener.accept(decision);
    } catch (RuntimeException e) {
      // A listener (a log line) must never stop scaling.
    }
  }

  /**
   * Asks the cloud for {@code n}; returns how many it accepted, or -1 on a provider error.
   *
   * <p>A refusal the cloud answered ({@code capacity}, {@code invalid_config}, {@code not_found},
   * {@code unhealthy}, {@code unsupported}) means nothing was started. Anything else ({@code
   * unavailable}: a timeout, a lost answer, a dropped connection, or an unexpected exception) may
   * have started any number up to {@code n}: it opens an ambiguity that later updates settle (see
   * {@link Provisioner#ambiguous}), instead of being guessed as nothing.
   */
  private int increase(int n, Instant now) {
    try {
      int granted = calls.call("increase", () -> group.increase(n));
      metrics.operation("increase");
      metrics.scaled("up", granted);
      provisioner.requested(granted, now);
      backoff.succeed();
      why.increased(n, granted, now);
      return granted;
    } catch (ProviderException e) {
      metrics.providerError(e);
      backoff.fail(now);
      why.increaseFailed(n, e, now);
      if (e instanceof ProviderException.Unavailable) {
        provisioner.ambiguous(n, now);
      }
      return e instanceof ProviderException.Capacity ? 0 : -1;
    } catch (RuntimeException e) {
      ProviderException unavailable = new ProviderException.Unavailable(String.valueOf(e), e);
      metrics.providerError(unavailable);
      backoff.fail(now);
      why.increaseFailed(n, unavailable, now);
      provisioner.ambiguous(n, now);
      return -1;
    }
  }

  /**
   * Drains the planned instances first and deletes only those still holding nothing afterwards, so
   * a claim racing with the plan is never revoked; the others stay draining until released.
   */
  private List<Deletion> applyDeletions(List<Deletion> deletions, Instant now) {
    if (deletions.isEmpty()) {
      return List.of();
    }
    boolean drained = false;
    for (Deletion d : deletions) {
      Provisioner.Tracked t = provisioner.tracked(d.instanceId());
      if (t != null && t.allocated()) {
        allocator.drain(t.id);
        if (t.drainReason == null) {
          t.drainReason = d.reason();
        }
        drained = true;
      }
    }
    Map<String, Integer> held = new HashMap<>();
    if (drained) {
      for (InstanceView v : allocator.instances()) {
        held.put(v.instanceId(), v.held());
      }
    }
    List<Deletion> done = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (Deletion d : deletions) {
      Provisioner.Tracked t = provisioner.tracked(d.instanceId());
      if (t == null) {
        continue;
      }
      if (t.allocated()) {
        if (held.getOrDefault(t.id, 0) > 0) {
          t.phase = InstancePhase.DRAINING;
          continue;
        }
        // Saved as deleting before its use count leaves the allocator: a restart must not adopt
        // it as a fresh instance.
        t.deletionReason = d.reason();
        provisioner.publishKnown();
        allocator.remove(t.id, "instance " + t.id + " deleted: " + d.reason().label());
      }
      t.phase = InstancePhase.DELETING;
      t.deleteRequestedAt = now;
      t.deletionReason = d.reason();
      metrics.deleted(d.reason());
      done.add(d);
      ids.add(t.id);
    }
    if (!ids.isEmpty()) {
      metrics.scaled("down", ids.size());
      decrease(ids, now);
    }
    return done;
  }

  /**
   * Deletes one instance now, outside any plan (it failed its readiness check): it holds nothing,
   * since it never took work.
   */
  void delete(Provisioner.Tracked t, DeletionReason reason, Instant now) {
    if (t.allocated()) {
      allocator.remove(t.id, "instance " + t.id + " deleted: " + reason.label());
    }
    t.phase = InstancePhase.DELETING;
    t.deleteRequestedAt = now;
    metrics.deleted(reason);
    metrics.scaled("down", 1);
    decrease(List.of(t.id), now);
  }

  private void decrease(List<String> ids, Instant now) {
    for (String id : ids) {
      Provisioner.Tracked t = provisioner.tracked(id);
      if (t != null) {
        t.lastDeleteAttempt = now;
      }
    }
    try {
      // A decrease whose answer was lost leaves its instances deleting: they stay in the table, so
      // when they go they are not lost, and retryDeletions asks again only while the cloud shows
      // no deletion (the plugin's decrease is idempotent).
      List<String> accepted = calls.call("decrease", () -> group.decrease(ids));
      metrics.operation("decrease");
      for (String id : accepted) {
        Provisioner.Tracked t = provisioner.tracked(id);
        if (t != null) {
          t.deleteAccepted = true;
        }
      }
    } catch (RuntimeException e) {
      metrics.providerError(
          e instanceof ProviderException p
              ? p
              : new ProviderException.Unavailable(String.valueOf(e), e));
    }
  }

  /**
   * Asks again for deletions that show no effect (refused, or the cloud still lists the instance as
   * not deleting) once {@code deletion_retry_interval} has passed since the last attempt.
   */
  void retryDeletions() {
    Instant now = clock.instant();
    List<String> retry = new ArrayList<>();
    for (Provisioner.Tracked t : provisioner.tracked()) {
      Instant last = t.lastDeleteAttempt;
      if (t.phase == InstancePhase.DELETING
          && last != null
          && !now.isBefore(last.plus(deletionRetryInterval))
          && !provisioner.deletingInCloud(t.id)) {
        retry.add(t.id);
      }
    }
    if (!retry.isEmpty()) {
      decrease(retry, now);
    }
  }

  /** The last planning steps that did or wanted to do something, oldest first. */
  List<Decision> decisions() {
    return List.copyOf(decisions);
  }
}
