package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.planner.FleetSnapshot;
import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.planner.Limits;
import io.fleetscaler.core.planner.Plan;
import io.fleetscaler.core.planner.Planner;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.slots.InstanceView;
import io.fleetscaler.core.slots.SlotAllocator;
import io.fleetscaler.core.state.StoredInstance;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>Over 400 lines (a third of them this contract and the methods' Javadoc): membership, the
 * plan's resume-then-create step and retirement share the members' table and the count of creations
 * on their way; split, each part would need the others' invariants. A split along sizing policies
 * (fixed, by the hour, by recent bursts) is the natural next cut if sizing grows.
 */
final class StandbyPool {
  private static final System.Logger LOG = System.getLogger(TaskScaler.class.getName());

  /**
   * How the provisioner's table marks a pool member to the state keeper, which saves it as {@link
   * StoredInstance#standbyMember}.
   */
  static final String MARK = "standby";

  /** A member of the pool. */
  private static final class Member {
    final String id;
    Instant since;
    boolean cloudSuspended;
    boolean resuming;
    Instant resumeAskedAt;

    Member(String id, Instant since) {
      this.id = id;
      this.since = since;
      this.resumeAskedAt = since;
    }
  }

  private final InstanceGroup group;
  private final PluginCalls calls;
  private final ScalerMetrics metrics;
  private final StandbyMetrics standbyMetrics;
  private final Provisioner provisioner;
  private final SlotAllocator allocator;
  private final Supplier<Policy> policy;
  private final IntSupplier unserved;
  private final Duration resumeTimeout;
  // Insertion order is pooling order: the oldest members are resumed (and expire) first.
  private final Map<String, Member> members = new LinkedHashMap<>();
  private final Set<String> resumed = new HashSet<>();
  private boolean supported;
  private boolean warnedUnsupported;
  // Instances created for the pool and not pooled yet (capped by those on their way: an instance
  // that served work instead is not waited for).
  private int fillers;

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
    this.group = group;
    this.calls = calls;
    this.metrics = metrics;
    this.standbyMetrics = standbyMetrics;
    this.provisioner = provisioner;
    this.allocator = allocator;
    this.policy = policy;
    this.unserved = unserved;
    this.resumeTimeout = resumeTimeout;
  }

  /** Whether the plugin declared {@code suspend_resume}; without it the pool stays empty. */
  void supported(boolean value) {
    supported = value;
  }

  /** Members suspended or being suspended (not those resuming). */
  int pooled() {
    int n = 0;
    for (Member m : members.values()) {
      n += m.resuming ? 0 : 1;
    }
    return n;
  }

  /** The pool for operators. */
  StandbyStatus status() {
    int count = 0;
    Instant oldest = null;
    for (Member m : members.values()) {
      if (!m.resuming) {
        count++;
        oldest = oldest == null || m.since.isBefore(oldest) ? m.since : oldest;
      }
    }
    return new StandbyStatus(count, members.size() - count, target(), oldest);
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
        || resumed.contains(t.id)
        || pooled() >= target()
        || unserved.getAsInt() > 0) {
      return false;
    }
    if (!suspend(t, now)) {
      return false; // it serves like any other instance
    }
    fillers = Math.max(0, fillers - 1);
    return true;
  }

  /** Asks the cloud to suspend {@code t}; on success it is a member. */
  private boolean suspend(Provisioner.Tracked t, Instant now) {
    List<String> accepted;
    try {
      accepted = calls.call("suspend", () -> group.suspend(List.of(t.id)));
      metrics.operation("suspend");
    } catch (RuntimeException e) {
      metrics.providerError(asProviderError(e));
      return false;
    }
    if (!accepted.contains(t.id)) {
      return false;
    }
    t.phase = InstancePhase.SUSPENDED;
    members.put(t.id, new Member(t.id, now));
    standbyMetrics.suspended();
    return true;
  }

  /**
   * An instance saved as a pool member and still listed by the cloud after a restart: adopted as
   * suspended (its age counts from now).
   */
  Provisioner.Tracked adopt(String id, Instant now) {
    Provisioner.Tracked t = new Provisioner.Tracked(id, null, now, InstancePhase.SUSPENDED);
    t.readinessStarted = true;
    members.put(id, new Member(id, now));
    return t;
  }

  /**
   * The cloud reports {@code state} for {@code t}. Handles pool members' states.
   *
   * @return true if handled here; false for the provisioner's ordinary handling
   */
  boolean observe(Provisioner.Tracked t, InstanceState state, Instant now) {
    Member m = members.get(t.id);
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
          serveResumed(t, m, now);
        }
        yield true; // otherwise: suspension accepted, not visible yet
      }
      case DELETING, DELETED, TIMEOUT -> {
        members.remove(t.id);
        yield false;
      }
    };
  }

  /** A member the cloud reports running after its resume: it serves from now on. */
  private void serveResumed(Provisioner.Tracked t, Member m, Instant now) {
    members.remove(t.id);
    resumed.add(t.id);
    standbyMetrics.readyTime("resume", Duration.between(m.resumeAskedAt, now));
    t.phase = InstancePhase.RUNNING;
    t.readinessStarted = true;
    provisioner.makeReady(t, now);
  }

  /** Whether the instance came out of the pool (its boot-to-ready time was recorded then). */
  boolean wasResumed(String id) {
    return resumed.contains(id);
  }

  /** A fresh instance became ready on the boot path. */
  void bootReady(Duration d) {
    standbyMetrics.readyTime("boot", d);
  }

  /** Whether a member is on its way into suspension: the loop polls faster until it is there. */
  boolean settling() {
    for (Member m : members.values()) {
      if (!m.cloudSuspended && !m.resuming) {
        return true;
      }
    }
    return false;
  }

  /** The instance left the table. */
  void forget(String id) {
    members.remove(id);
    resumed.remove(id);
  }

  /** Whether the instance is a member to save with {@link #MARK}. */
  boolean saved(Provisioner.Tracked t) {
    Member m = members.get(t.id);
    return m != null && !m.resuming && t.deletionReason == null;
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
      fillers = 0;
      return planner.plan(fleet.apply(pending), active, limits, now);
    }
    retire(actuator, active, now);
    FleetSnapshot seen = fleet.apply(pending);
    fillers = Math.min(fillers, coming(seen));
    Plan plan = planner.plan(seen, active, limits, now);
    int wanted = shortfall(plan, fillers, limits);
    if (wanted > 0 && resume(wanted, actuator, now) > 0) {
      seen = fleet.apply(pending);
      plan = planner.plan(seen, active, limits, now);
    }
    // What the work still lacks beyond the plan's own creations (the plan counted the pool's
    // creations on their way as its capacity), then what the pool lacks.
    int forWork = Math.max(0, shortfall(plan, fillers, limits) - plan.create());
    absorbIdle(plan, limits, now);
    int forPool = Math.max(0, deficit(active) - fillers);
    int extra = forWork + forPool;
    if (extra == 0) {
      return plan;
    }
    // As the planner counts: instances this plan deletes no longer take a place.
    long total =
        (long) seen.instances().size()
            + seen.requested()
            + seen.unsettled()
            - plan.deletions().size()
            + plan.create();
    extra = (int) Math.min(extra, Math.max(0, limits.maxInstances() - total));
    if (extra == 0) {
      return plan;
    }
    fillers += Math.max(0, extra - forWork);
    return new Plan(
        plan.create() + extra,
        plan.deletions(),
        plan.demand(),
        plan.idleTarget(),
        plan.capacityInstances(),
        plan.desired() + extra,
        plan.limitedByMax());
  }

  /**
   * Suspends the ready instances that never ran a job and that neither the idle target nor waiting
   * work needs: they would only run idle until {@code idle_time}; suspended they fill the pool
   * without a boot, or wait out their {@code idle_time} there at disk cost (see {@link #retire}).
   * Each is drained first and taken only if it still holds nothing, so a claim racing with this is
   * never revoked.
   */
  private void absorbIdle(Plan plan, Limits limits, Instant now) {
    int cap = limits.capacityPerInstance();
    long spare = -unserved.getAsInt() - plan.idleTarget();
    if (spare < cap) {
      return;
    }
    Set<String> planned = new HashSet<>();
    plan.deletions().forEach(d -> planned.add(d.instanceId()));
    for (InstanceView v : allocator.instances()) {
      if (spare < cap) {
        break;
      }
      Provisioner.Tracked t = provisioner.tracked(v.instanceId());
      if (t == null
          || t.phase != InstancePhase.READY
          || v.state() != InstanceView.State.READY
          || v.held() > 0
          || v.claims() > 0
          || v.completedUses() > 0
          || t.requestedAt == null
          || t.drainReason != null
          || provisioner.lastRelease.containsKey(t.id)
          || planned.contains(t.id)) {
        continue;
      }
      allocator.drain(t.id);
      if (!allocator.holdings(t.id).isEmpty()) {
        // A claim won the race: the instance serves it and goes when it is released.
        t.phase = InstancePhase.DRAINING;
        t.drainReason = DeletionReason.IDLE_TIME;
        continue;
      }
      allocator.remove(t.id, "instance " + t.id + " went into the standby pool");
      if (suspend(t, now)) {
        spare -= cap;
      } else {
        allocator.add(t.id); // it serves as before
      }
    }
  }

  /** Instances on their way that no one holds yet: requested, creating or running. */
  private static int coming(FleetSnapshot fleet) {
    int n = fleet.requested();
    for (var info : fleet.instances()) {
      InstancePhase p = info.phase();
      n += p == InstancePhase.CREATING || p == InstancePhase.RUNNING ? 1 : 0;
    }
    return n;
  }

  /**
   * New instances the work is short of when the {@code fillers} on their way are left to the pool:
   * what the plan lacks, plus those fillers (the plan counted them as capacity for the work).
   */
  private static int shortfall(Plan plan, int fillers, Limits limits) {
    long supply = (long) (plan.capacityInstances() - fillers) * limits.capacityPerInstance();
    long slots = plan.demand() - supply;
    int perNew = limits.slotsPerNewInstance();
    return slots <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, ceilDiv(slots, perNew));
  }

  private int deficit(Policy active) {
    int lent = 0;
    if (active.demand().decaying()) {
      // A short-memory idle target borrows members for a few seconds: no boot for a loan.
      lent =
          IdleLoans.count(
              members.size() - pooled(), resumed, provisioner, allocator, unserved.getAsInt());
    }
    return Math.max(0, target() - pooled() - lent);
  }

  /** Resumes up to {@code n} suspended members, oldest first; returns how many it asked for. */
  private int resume(int n, Actuator actuator, Instant now) {
    List<String> ids = new ArrayList<>();
    for (Member m : members.values()) {
      if (ids.size() == n) {
        break;
      }
      if (m.cloudSuspended && !m.resuming) {
        ids.add(m.id);
      }
    }
    if (ids.isEmpty()) {
      return 0;
    }
    List<String> accepted;
    try {
      accepted = calls.call("resume", () -> group.resume(ids));
      metrics.operation("resume");
    } catch (RuntimeException e) {
      metrics.providerError(asProviderError(e));
      accepted = List.of();
    }
    int asked = 0;
    for (String id : ids) {
      Member m = members.get(id);
      Provisioner.Tracked t = provisioner.tracked(id);
      if (m == null || t == null) {
        continue;
      }
      if (accepted.contains(id)) {
        m.resuming = true;
        m.resumeAskedAt = now;
        t.phase = InstancePhase.RESUMING;
        standbyMetrics.resumed();
        asked++;
      } else {
        drop(t, DeletionReason.RESUME_FAILED, actuator, now);
      }
    }
    return asked;
  }

  /** Deletes members past their age, beyond the target, or stuck resuming. */
  private void retire(Actuator actuator, Policy active, Instant now) {
    Duration maxAge = active.standbyMaxAge();
    int surplus = pooled() - target();
    List<Provisioner.Tracked> expired = new ArrayList<>();
    List<Provisioner.Tracked> extra = new ArrayList<>();
    List<Provisioner.Tracked> stuck = new ArrayList<>();
    for (Member m : members.values()) {
      Provisioner.Tracked t = provisioner.tracked(m.id);
      if (t == null) {
        continue;
      }
      if (m.resuming) {
        if (!now.isBefore(m.resumeAskedAt.plus(resumeTimeout))) {
          stuck.add(t);
        }
      } else if (!maxAge.isZero() && !now.isBefore(m.since.plus(maxAge))) {
        expired.add(t);
      } else if (surplus > extra.size() && !now.isBefore(m.since.plus(active.idleTime()))) {
        extra.add(t);
      }
    }
    for (Provisioner.Tracked t : stuck) {
      drop(t, DeletionReason.RESUME_FAILED, actuator, now);
    }
    for (Provisioner.Tracked t : expired) {
      drop(t, DeletionReason.STANDBY_EXPIRED, actuator, now);
    }
    // Expired ones already lowered the surplus.
    int stillSurplus = pooled() - target();
    for (int i = 0; i < extra.size() && i < stillSurplus; i++) {
      drop(extra.get(i), DeletionReason.STANDBY_SURPLUS, actuator, now);
    }
  }

  private void drop(Provisioner.Tracked t, DeletionReason reason, Actuator actuator, Instant now) {
    members.remove(t.id);
    t.deletionReason = reason;
    if (reason == DeletionReason.RESUME_FAILED) {
      LOG.log(
          System.Logger.Level.WARNING,
          "standby instance {0} did not resume; deleting it (reason {1})",
          t.id,
          reason.label());
    }
    actuator.delete(t, reason, now);
  }

  private static ProviderException asProviderError(RuntimeException e) {
    return e instanceof ProviderException p
        ? p
        : new ProviderException.Unavailable(String.valueOf(e), e);
  }

  private static long ceilDiv(long a, long b) {
    return Math.floorDiv(a + b - 1, b);
  }
}
