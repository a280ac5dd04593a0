package io.fleetscaler.core.planner;

import io.fleetscaler.core.policy.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The desired-instances planner.
 *
 * <h2>Formula</h2>
 *
 * Every instance that is or will be capacity (requested, creating, running, ready, unhealthy or
 * draining while it still holds slots) counts as {@code capacity_per_instance} slots of supply.
 * Demand is {@code acquired + pending + unavailable + max(idle target, reserved)}: {@code pending}
 * acquisitions wait for a slot, reserved slots fill the idle target instead of adding to it (see
 * the guards), {@code unavailable} are the free slots of counted instances that cannot be handed
 * out (draining, unhealthy, or beyond the {@code max_use_count} budget) and the idle target comes
 * from the policy. Then {@code required = ceil((demand - supply) / slots per new instance)}, which
 * with no use budget is exactly {@code ceil(demand / capacity) - instances}. Positive: create that
 * many, clamped so that instances in every state plus requested ones never exceed {@code
 * max_instances}. Not positive: delete idle-expired instances, longest idle first, while the rest
 * still cover demand.
 *
 * <h2>Guards against taskscaler's bugs</h2>
 *
 * <ul>
 *   <li>No runaway: only slots on counted instances are demand, so lost instances take their held
 *       slots with them, and booting instances are supply, so demand is never asked for twice.
 *   <li>Deleting (and timed-out) instances are not supply; they do count toward the maximum, and so
 *       do the instances a plan deletes, from that plan on.
 *   <li>An increase whose answer was lost is neither forgotten nor asked again: while it may still
 *       bring instances it is part of {@code requested} (supply), and once it no longer counts as
 *       supply its {@code unsettled} remainder still counts toward the maximum.
 *   <li>Reservations never grow the fleet nor block scale-in (taskscaler's reservation throttling,
 *       gitlab-runner #39161): reserved slots fill the idle target instead of adding to it, so
 *       reservations held by long polls cannot ratchet the fleet up, and empty instances stay
 *       removable.
 *   <li>Zero is reached exactly: with nothing held, pending or targeted, demand is 0 and every
 *       idle-expired instance goes, whatever the capacity per instance.
 *   <li>An instance holding a slot is never deleted, whatever the reason.
 * </ul>
 */
final class DemandPlanner implements Planner {

  /** A counted instance that this plan could still delete, with its share of unavailable slots. */
  private record Removable(InstanceInfo info, int unavailable, @Nullable Instant idleSince) {}

  /** Longest idle first; never-ready (booting) instances last, since they are about to serve. */
  private static final Comparator<Removable> LONGEST_IDLE_FIRST =
      Comparator.comparing(
              Removable::idleSince, Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
          .thenComparing(r -> r.info().id());

  @Override
  public Plan plan(FleetSnapshot fleet, Policy policy, Limits limits, Instant now) {
    // Over 60 lines on purpose: a measured hot path (PlannerBenchmark) whose phases share the
    // running capacity, demand and deletions; split, they would go through a mutable holder.
    int cap = limits.capacityPerInstance();
    int perNew = limits.slotsPerNewInstance();
    List<Deletion> deletions = new ArrayList<>();
    List<Removable> removable = new ArrayList<>();
    int existing = fleet.requested() + fleet.unsettled();
    int capacity = fleet.requested();
    long held = 0;
    long unavailable = (long) fleet.requested() * (cap - perNew);

    for (InstanceInfo info : fleet.instances()) {
      existing++;
      int heldHere = Math.min(info.held(), cap);
      DeletionReason forced = forcedReason(info, fleet.shuttingDown());
      if (info.phase() == InstancePhase.DELETING) {
        continue;
      }
      if (info.phase() == InstancePhase.SUSPENDED) {
        // Counted toward the maximum but no capacity: the standby pool resumes them on demand.
        if (forced != null) {
          deletions.add(new Deletion(info.id(), forced));
        }
        continue;
      }
      if (forced != null) {
        if (heldHere == 0) {
          deletions.add(new Deletion(info.id(), forced));
          continue;
        }
        if (info.phase() == InstancePhase.TIMEOUT || info.phase() == InstancePhase.PREEXISTING) {
          continue; // not capacity, and nothing may be placed on it
        }
      }
      capacity++;
      held += heldHere;
      int free = forced != null ? 0 : freeSlots(info, limits, heldHere);
      int unavailableHere = cap - heldHere - free;
      unavailable += unavailableHere;
      if (heldHere == 0) {
        removable.add(new Removable(info, unavailableHere, idleSince(info)));
      }
    }

    // Reserved slots are served from the idle pool rather than added on top of it: a reservation
    // is a job that may not come (long polling holds one per request), so it must not grow the
    // fleet or keep instances alive; the job it turns into does, once acquired.
    long reserved = Math.min(fleet.reserved(), held);
    long acquired = held - reserved;
    long idleTarget = fleet.shuttingDown() ? 0 : policy.idleTarget(acquired);
    long pending = fleet.shuttingDown() ? 0 : fleet.pending();
    long demand = acquired + pending + unavailable + Math.max(idleTarget, reserved);

    int alive = existing - deletions.size();
    int overMax = alive - limits.maxInstances();
    List<Removable> kept = removable;
    if (overMax > 0) {
      // Rare (the maximum was lowered, or the cloud overshot): only then order every candidate.
      removable.sort(LONGEST_IDLE_FIRST);
      kept = new ArrayList<>(removable.size());
      for (Removable r : removable) {
        if (overMax > 0) {
          deletions.add(new Deletion(r.info().id(), DeletionReason.OVER_MAX));
          overMax--;
          capacity--;
          demand -= r.unavailable();
        } else {
          kept.add(r);
        }
      }
    }

    long supply = (long) capacity * cap;
    int create = 0;
    boolean limitedByMax = false;
    if (demand > supply && !fleet.shuttingDown()) {
      long wanted = ceilDiv(demand - supply, perNew);
      // Instances this plan deletes still count until they are gone, as deleting ones do: room
      // made now would be over the maximum at the next plan, which would delete for over_max
      // what this one created (a create-and-delete churn at the maximum with max_use_count).
      long room = Math.max(0, limits.maxInstances() - existing);
      create = (int) Math.min(wanted, room);
      limitedByMax = create < wanted;
    } else if ((long) (capacity - 1) * cap >= demand - cap) {
      // Some instance could go: order only the idle-expired ready ones, longest idle first.
      Instant expiredBefore = now.minus(policy.idleTime());
      List<Removable> expired = new ArrayList<>();
      for (Removable r : kept) {
        Instant since = r.idleSince();
        if (since != null && !since.isAfter(expiredBefore)) {
          expired.add(r);
        }
      }
      expired.sort(LONGEST_IDLE_FIRST);
      for (Removable r : expired) {
        long demandWithout = demand - r.unavailable();
        if ((long) (capacity - 1) * cap >= demandWithout) {
          deletions.add(new Deletion(r.info().id(), DeletionReason.IDLE_TIME));
          capacity--;
          demand = demandWithout;
        }
      }
    }
    return new Plan(
        create, deletions, demand, idleTarget, capacity, capacity + create, limitedByMax);
  }

  /** Why the instance must go regardless of demand, or null if it may stay. */
  private static @Nullable DeletionReason forcedReason(InstanceInfo info, boolean shuttingDown) {
    return switch (info.phase()) {
      case TIMEOUT -> DeletionReason.TIMEOUT;
      case PREEXISTING -> DeletionReason.PREEXISTING;
      case DELETING -> null;
      case SUSPENDED -> shuttingDown ? DeletionReason.SHUTDOWN : null;
      case CREATING, RUNNING, RESUMING -> shuttingDown ? DeletionReason.SHUTDOWN : null;
      case READY, UNHEALTHY, DRAINING -> {
        if (shuttingDown) {
          yield DeletionReason.SHUTDOWN;
        }
        if (info.phase() == InstancePhase.DRAINING) {
          DeletionReason why = info.drainReason();
          yield why != null ? why : DeletionReason.IDLE_TIME;
        }
        if (info.phase() == InstancePhase.UNHEALTHY) {
          yield DeletionReason.UNHEALTHY;
        }
        yield info.exhausted() ? DeletionReason.MAX_USE : null;
      }
    };
  }

  /** Free slots a reserve could still take on a ready instance. */
  private static int freeSlots(InstanceInfo info, Limits limits, int held) {
    int free = limits.capacityPerInstance() - held;
    if (info.phase() == InstancePhase.CREATING
        || info.phase() == InstancePhase.RUNNING
        || info.phase() == InstancePhase.RESUMING) {
      return limits.slotsPerNewInstance();
    }
    if (limits.maxUseCount() > 0) {
      free = Math.min(free, Math.max(0, limits.maxUseCount() - info.claims()));
    }
    return free;
  }

  private static @Nullable Instant idleSince(InstanceInfo info) {
    return info.phase() == InstancePhase.READY ? info.idleSince() : null;
  }

  private static long ceilDiv(long a, long b) {
    return Math.floorDiv(a + b - 1, b);
  }
}
