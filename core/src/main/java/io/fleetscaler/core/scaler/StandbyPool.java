package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.FleetSnapshot;
import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.planner.Limits;
import io.fleetscaler.core.planner.Plan;
import io.fleetscaler.core.planner.Planner;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.slots.SlotAllocator;
import io.fleetscaler.core.state.StoredInstance;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The standby pool: instances created and readied like any other, then suspended instead of taking
 * work, and resumed before anything new is created.
 *
 * <h2>How it fits the planner</h2>
 *
 * The planner stays pure and knows nothing of the pool beyond two phases: {@link
 * InstancePhase#SUSPENDED} counts toward {@code max_instances} but is no capacity, {@link
 * InstancePhase#RESUMING} counts as capacity on its way, like {@code creating}. When the plan wants
 * instances for the work (counting the pool's own creations on their way as not there for it), that
 * shortfall is resumed from the pool first (at most one per pooled member) and the plan is made
 * again with the resumed members as capacity: demand takes idle slots, then resumes, then creates.
 * The pool's own deficit (the active {@code standby_count} less its members and its creations on
 * their way) is then added to the plan's creations, within {@code max_instances}, and goes through
 * the same throttle and backoff: the pool refills behind the work. It is not added as demand, so an
 * idle instance never stays alive on the pool's account.
 *
 * <h2>Who enters the pool</h2>
 *
 * Only an instance this scaler created, that passed its readiness check ({@code
 * instance_ready_command}) and never ran a job: at the moment it would become ready, while the pool
 * is short and every waiting acquisition or reservation has a free slot already (otherwise the
 * instance serves the work first; instances are interchangeable, so the next one to become ready
 * fills the pool); or later, while it is ready and idle beyond the idle target and what waits, so
 * that it waits for work suspended rather than running idle until {@code idle_time}, and the pool
 * refills without a boot. A used instance never enters standby, so {@code max_use_count = 1} still
 * means one job per machine. A resumed instance becomes ready as soon as the cloud reports it
 * running: it was readied before it was suspended.
 *
 * <h2>Leaving it</h2>
 *
 * Deleted with their own reasons: {@code standby_expired} after {@code standby_max_age} suspended,
 * {@code standby_surplus} beyond the active {@code standby_count} (a policy period that wants
 * fewer, down to zero) once suspended for the policy's {@code idle_time} (as an idle instance would
 * have been kept that long), {@code resume_failed} when a resume is refused, fails, or does not
 * bring the instance running within the creation timeout.
 *
 * <h2>Restarts</h2>
 *
 * Members are saved as such ({@code StoredInstance.standby}; state saved before that field marked
 * them {@code deletion = "standby"}, still read) and adopted as suspended; their age then counts
 * from the adoption.
 *
 * <p>Not thread-safe: every method runs under the scaler's control lock.
 *
 * <p>This class holds the contract and answers the provisioner; its parts, each under the same
 * lock: {@link StandbyMembers} (the members' table), {@link StandbyTransitions} (suspend, resume,
 * serve, delete through the cloud), {@link StandbyRetirement} (who leaves), {@link StandbyPlanStep}
 * (the resume-then-create step and the creations on their way for the pool). A split along sizing
 * policies (fixed, by the hour, by recent bursts) is the natural next cut if sizing grows.
 */
final class StandbyPool {
  private static final System.Logger LOG = System.getLogger(TaskScaler.class.getName());

  /**
   * How the provisioner's table marks a pool member to the state keeper, which saves it as {@link
   * StoredInstance#standbyMember}.
   */
  static final String MARK = "standby";

  private final StandbyMetrics standbyMetrics;
  private final Supplier<Policy> policy;
  private final IntSupplier unserved;
  private final StandbyMembers members = new StandbyMembers();
  private final StandbyTransitions transitions;
  private final StandbyRetirement retirement;
  private final StandbyPlanStep planStep;
  private boolean supported;
  private boolean warnedUnsupported;

  StandbyPool(
      InstanceGroup group,
      PluginCalls calls,
      ScalerMetrics metrics,
      StandbyMetrics standbyMetrics,
      Provisioner provisioner,
      SlotAllocator allocator,
      Supplier<Policy> policy,
      IntSupplier unserved,
      Duration resumeTimeout) {
    this.standbyMetrics = standbyMetrics;
    this.policy = policy;
    this.unserved = unserved;
    this.transitions =
        new StandbyTransitions(group, calls, metrics, standbyMetrics, provisioner, members);
    this.retirement =
        new StandbyRetirement(members, transitions, provisioner, this::target, resumeTimeout);
    this.planStep =
        new StandbyPlanStep(members, transitions, provisioner, allocator, unserved, this::target);
  }

  /** Whether the plugin declared {@code suspend_resume}; without it the pool stays empty. */
  void supported(boolean value) {
    supported = value;
  }

  /** Members suspended or being suspended (not those resuming). */
  int pooled() {
    return members.pooled();
  }

  /** The pool for operators. */
  StandbyStatus status() {
    return members.status(target());
  }

  /** The pool size the active policy asks for; 0 when the plugin cannot suspend. */
  int target() {
    if (!supported) {
      Policy p = policy.get();
      if (p.standbyCount() > 0 && !warnedUnsupported) {
        warnedUnsupported = true;
        LOG.log(
            System.Logger.Level.WARNING,
            "standby_count = {0} is ignored: the plugin does not declare suspend_resume",
            p.standbyCount());
      }
      return 0;
    }
    return policy.get().standbyCount();
  }

  /**
   * An instance would become ready: takes it into the pool instead (suspending it) if it qualifies
   * and the pool is short. Called by the provisioner before the instance's slots are added.
   *
   * @return true if it is now a pool member and must not take work
   */
  boolean intoPool(Provisioner.Tracked t, Instant now) {
    if (t.requestedAt == null
        || t.stored != null
        || members.wasResumed(t.id)
        || pooled() >= target()
        || unserved.getAsInt() > 0) {
      return false;
    }
    if (!transitions.suspend(t, now)) {
      return false; // it serves like any other instance
    }
    planStep.filled();
    return true;
  }

  /**
   * An instance saved as a pool member and still listed by the cloud after a restart: adopted as
   * suspended (its age counts from now).
   */
  Provisioner.Tracked adopt(String id, Instant now) {
    Provisioner.Tracked t = new Provisioner.Tracked(id, null, now, InstancePhase.SUSPENDED);
    t.readinessStarted = true;
    members.join(id, now);
    return t;
  }

  /**
   * The cloud reports {@code state} for {@code t}. Handles pool members' states.
   *
   * @return true if handled here; false for the provisioner's ordinary handling
   */
  boolean observe(Provisioner.Tracked t, InstanceState state, Instant now) {
    StandbyMembers.Member m = members.get(t.id);
    if (m == null) {
      return false;
    }
    return switch (state) {
      case SUSPENDED -> {
        m.cloudSuspended = !m.resuming;
        yield true;
      }
      case SUSPENDING, CREATING, RESUMING -> true;
      case RUNNING -> {
        if (m.resuming) {
          transitions.serveResumed(t, m, now);
        }
        yield true; // otherwise: suspension accepted, not visible yet
      }
      case DELETING, DELETED, TIMEOUT -> {
        members.remove(t.id);
        yield false;
      }
    };
  }

  /** Whether the instance came out of the pool (its boot-to-ready time was recorded then). */
  boolean wasResumed(String id) {
    return members.wasResumed(id);
  }

  /** A fresh instance became ready on the boot path. */
  void bootReady(Duration d) {
    standbyMetrics.readyTime("boot", d);
  }

  /** Whether a member is on its way into suspension: the loop polls faster until it is there. */
  boolean settling() {
    return members.settling();
  }

  /** The instance left the table. */
  void forget(String id) {
    members.forget(id);
  }

  /** Whether the instance is a member to save with {@link #MARK}. */
  boolean saved(Provisioner.Tracked t) {
    return members.saved(t);
  }

  /**
   * Plans with the pool: retires expired, surplus and stuck members, resumes what the work is short
   * of (counting instances on their way for the pool as not there for the work), plans again if it
   * resumed any, and adds the creations the pool still lacks to the plan, within the maximum.
   *
   * @param fleet the fleet as the planner sees it, for {@code pending} acquisitions
   */
  Plan plan(
      Planner planner,
      IntFunction<FleetSnapshot> fleet,
      int pending,
      boolean shuttingDown,
      Policy active,
      Limits limits,
      Actuator actuator,
      Instant now) {
    if (shuttingDown || (members.isEmpty() && (active.standbyCount() == 0 || !supported))) {
      planStep.reset();
      return planner.plan(fleet.apply(pending), active, limits, now);
    }
    retirement.retire(actuator, active, now);
    return planStep.plan(planner, fleet, pending, active, limits, actuator, now);
  }
}
