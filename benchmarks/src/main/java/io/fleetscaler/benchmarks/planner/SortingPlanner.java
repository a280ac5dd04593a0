package io.fleetscaler.benchmarks.planner;

import io.fleetscaler.core.planner.Deletion;
import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.planner.FleetSnapshot;
import io.fleetscaler.core.planner.InstanceInfo;
import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.planner.Limits;
import io.fleetscaler.core.planner.Plan;
import io.fleetscaler.core.planner.Planner;
import io.fleetscaler.core.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Baseline: the planner's formula computed the straightforward way, by ordering every removable
 * instance (each counted one holding nothing) longest idle first on every plan, then walking that
 * order for the over-maximum and the idle-time deletions. This is what {@code core}'s planner did
 * before commit f9be9c4, which orders only when over the maximum or when some idle-expired instance
 * could go, and then only the expired ones. It decides exactly the same plans ({@code
 * SortingPlannerTest} checks that); only the work differs.
 */
final class SortingPlanner implements Planner {

  private record Removable(InstanceInfo info, int unavailable, @Nullable Instant idleSince) {}

  private static final Comparator<Removable> LONGEST_IDLE_FIRST =
      Comparator.comparing(
              Removable::idleSince, Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
          .thenComparing(r -> r.info().id());

  @Override
  public Plan plan(FleetSnapshot fleet, Policy policy, Limits limits, Instant now) {
    // Over 60 lines on purpose: a baseline keeps the shape of the planner it measures against.
    int cap = limits.capacityPerInstance();
    int perNew = limits.slotsPerNewInstance();
    List<Deletion> deletions = new ArrayList<>();
    List<Removable> removable = new ArrayList<>();
    int existing = fleet.requested();
    int capacity = fleet.requested();
    long held = 0;
    long unavailable = (long) fleet.requested() * (cap - perNew);

    for (InstanceInfo info : fleet.instances()) {
      existing++;
      if (info.phase() == InstancePhase.DELETING) {
        continue;
      }
      if (info.phase() == InstancePhase.SUSPENDED) {
        // Counted toward the maximum, no capacity (as DemandPlanner).
        if (fleet.shuttingDown()) {
          deletions.add(new Deletion(info.id(), DeletionReason.SHUTDOWN));
        }
        continue;
      }
      int heldHere = Math.min(info.held(), cap);
      DeletionReason forced = forcedReason(info, fleet.shuttingDown());
      if (forced != null) {
        if (heldHere == 0) {
          deletions.add(new Deletion(info.id(), forced));
          continue;
        }
        if (info.phase() == InstancePhase.TIMEOUT || info.phase() == InstancePhase.PREEXISTING) {
          continue;
        }
      }
      capacity++;
      held += heldHere;
      int free = forced != null ? 0 : freeSlots(info, limits, heldHere);
      int unavailableHere = cap - heldHere - free;
      unavailable += unavailableHere;
      if (heldHere == 0) {
        Instant since = info.phase() == InstancePhase.READY ? info.idleSince() : null;
        removable.add(new Removable(info, unavailableHere, since));
      }
    }

    long reserved = Math.min(fleet.reserved(), held);
    long acquired = held - reserved;
    long idleTarget = fleet.shuttingDown() ? 0 : policy.idleTarget(acquired);
    long pending = fleet.shuttingDown() ? 0 : fleet.pending();
    long demand = acquired + pending + unavailable + Math.max(idleTarget, reserved);

    removable.sort(LONGEST_IDLE_FIRST);

    int alive = existing - deletions.size();
    int overMax = alive - limits.maxInstances();
    List<Removable> kept = new ArrayList<>(removable.size());
    for (Removable r : removable) {
      if (overMax > 0) {
        deletions.add(new Deletion(r.info().id(), DeletionReason.OVER_MAX));
        overMax--;
        alive--;
        capacity--;
        demand -= r.unavailable();
      } else {
        kept.add(r);
      }
    }

    long supply = (long) capacity * cap;
    int create = 0;
    boolean limitedByMax = false;
    if (demand > supply && !fleet.shuttingDown()) {
      long wanted = Math.floorDiv(demand - supply + perNew - 1, perNew);
      long room = Math.max(0, limits.maxInstances() - alive);
      create = (int) Math.min(wanted, room);
      limitedByMax = create < wanted;
    } else {
      Duration idleTime = policy.idleTime();
      for (Removable r : kept) {
        Instant since = r.idleSince();
        if (since == null || now.isBefore(since.plus(idleTime))) {
          continue;
        }
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

  private static int freeSlots(InstanceInfo info, Limits limits, int held) {
    if (info.phase() == InstancePhase.CREATING
        || info.phase() == InstancePhase.RUNNING
        || info.phase() == InstancePhase.RESUMING) {
      return limits.slotsPerNewInstance();
    }
    int free = limits.capacityPerInstance() - held;
    if (limits.maxUseCount() > 0) {
      free = Math.min(free, Math.max(0, limits.maxUseCount() - info.claims()));
    }
    return free;
  }
}
