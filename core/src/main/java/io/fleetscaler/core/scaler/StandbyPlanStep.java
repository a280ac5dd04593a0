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
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

/**
 * The plan's resume-then-create step (see "How it fits the planner" on {@link StandbyPool}):
 * resumes what the work is short of from the pool, plans again, suspends idle instances no one
 * needs into the pool, and adds the creations the pool still lacks to the plan within {@code
 * max_instances}. It owns the count of creations on their way for the pool ({@code fillers}):
 * instances created for the pool and not pooled yet, capped by those on their way (an instance that
 * served work instead is not waited for).
 *
 * <p>Not thread-safe: runs under the scaler's control lock, on the provisioner's side, once per
 * plan.
 */
final class StandbyPlanStep {
  private final StandbyMembers members;
  private final StandbyTransitions transitions;
  private final Provisioner provisioner;
  private final SlotAllocator allocator;
  private final IntSupplier unserved;
  private final IntSupplier target;
  private int fillers;

  StandbyPlanStep(
      StandbyMembers members,
      StandbyTransitions transitions,
      Provisioner provisioner,
      SlotAllocator allocator,
      IntSupplier unserved,
      IntSupplier target) {
    this.members = members;
    this.transitions = transitions;
    this.provisioner = provisioner;
    this.allocator = allocator;
    this.unserved = unserved;
    this.target = target;
  }

  /** The pool takes no part in this plan: nothing is on its way for it any more. */
  void reset() {
    fillers = 0;
  }

  /** An instance on its way became a member: one creation fewer to wait for. */
  void filled() {
    fillers = Math.max(0, fillers - 1);
  }

  /**
   * Resumes what the work is short of (counting instances on their way for the pool as not there
   * for the work), plans again if it resumed any, and adds the creations the pool still lacks to
   * the plan, within the maximum.
   */
  Plan plan(
      Planner planner,
      IntFunction<FleetSnapshot> fleet,
      int pending,
      Policy active,
      Limits limits,
      Actuator actuator,
      Instant now) {
    FleetSnapshot seen = fleet.apply(pending);
    fillers = Math.min(fillers, coming(seen));
    Plan plan = planner.plan(seen, active, limits, now);
    int wanted = shortfall(plan, fillers, limits);
    if (wanted > 0 && transitions.resume(wanted, actuator, now) > 0) {
      seen = fleet.apply(pending);
      plan = planner.plan(seen, active, limits, now);
    }
    // What the work still lacks beyond the plan's own creations (the plan counted the pool's
    // creations on their way as its capacity), then what the pool lacks.
    int forWork = Math.max(0, shortfall(plan, fillers, limits) - plan.create());
    absorbIdle(plan, limits, now);
    int forPool = Math.max(0, deficit() - fillers);
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
   * without a boot, or wait out their {@code idle_time} there at disk cost (see {@link
   * StandbyRetirement}). Each is drained first and taken only if it still holds nothing, so a claim
   * racing with this is never revoked.
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
      if (transitions.suspend(t, now)) {
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

  private int deficit() {
    return Math.max(0, target.getAsInt() - members.pooled());
  }

  private static long ceilDiv(long a, long b) {
    return Math.floorDiv(a + b - 1, b);
  }
}
