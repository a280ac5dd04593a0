package io.fleetscaler.core.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Each planning semantic, and each taskscaler bug as a regression test, on fixed snapshots. */
class PlannerTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Duration IDLE = Policy.DEFAULT_IDLE_TIME;
  static final Instant LATER = T0.plus(IDLE).plusSeconds(1);

  final Planner planner = Planner.create();

  static InstanceInfo ready(String id) {
    return InstanceInfo.ready(id, T0);
  }

  static List<InstanceInfo> readyFleet(int n) {
    List<InstanceInfo> result = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      result.add(ready("i-" + i));
    }
    return result;
  }

  Plan plan(FleetSnapshot fleet, Policy policy, Limits limits, Instant now) {
    return planner.plan(fleet, policy, limits, now);
  }

  static List<String> deleted(Plan plan) {
    return plan.deletions().stream().map(Deletion::instanceId).toList();
  }

  @Nested
  class Formula {
    @Test
    void idleCountFromNothingCreatesCeilOfIdleOverCapacity() {
      Plan p = plan(FleetSnapshot.of(List.of()), Policy.of(5), new Limits(10, 2, 0), T0);
      assertThat(p.create()).isEqualTo(3);
      assertThat(p.demand()).isEqualTo(5);
      assertThat(p.idleTarget()).isEqualTo(5);
    }

    @Test
    void pendingAcquisitionsAddDemand() {
      Plan p =
          plan(
              FleetSnapshot.of(List.of(ready("a").withHeld(2))).withPending(3),
              Policy.of(0),
              new Limits(10, 2, 0),
              T0);
      // demand 2 held + 3 pending = 5 slots, ceil(5/2) = 3 instances, one exists.
      assertThat(p.create()).isEqualTo(2);
    }

    @Test
    void scaleFactorAddsIdleSlotsProportionalToUse() {
      List<InstanceInfo> fleet = new ArrayList<>(readyFleet(4));
      fleet.replaceAll(i -> i.withHeld(1));
      Policy policy = Policy.of(0).withScaleFactor(0.5, 0);
      // 4 held, idle target ceil(0.5*4)=2: 6 slots on capacity 1 = 6 instances.
      Plan p = plan(FleetSnapshot.of(fleet), policy, new Limits(100, 1, 0), T0);
      assertThat(p.create()).isEqualTo(2);
      assertThat(p.idleTarget()).isEqualTo(2);
    }

    @Test
    void unavailableSlotsOfRetiringInstancesAreDemandSoTheyAreReplaced() {
      // cap 2, max use 2: an instance with 2 claims and 1 held has its other slot unavailable.
      InstanceInfo used = new InstanceInfo("a", InstancePhase.READY, 1, 2, true, T0, null, null);
      Plan p = plan(FleetSnapshot.of(List.of(used)), Policy.of(1), new Limits(10, 2, 2), T0);
      assertThat(p.demand()).isEqualTo(1 + 1 + 1);
      assertThat(p.create()).isEqualTo(1);
      assertThat(p.deletions()).isEmpty();
    }

    @Test
    void maxUseBudgetLimitsSlotsOfANewInstance() {
      // cap 4 but max_use 1: each new instance can serve one job.
      Plan p = plan(FleetSnapshot.of(List.of()), Policy.of(3), new Limits(10, 4, 1), T0);
      assertThat(p.create()).isEqualTo(3);
    }
  }

  @Nested
  class Guards {
    @Test
    void neverAboveMaxInstancesCountingEveryState() {
      List<InstanceInfo> fleet =
          List.of(
              InstanceInfo.outside("c", InstancePhase.CREATING),
              InstanceInfo.outside("d", InstancePhase.DELETING),
              ready("r").withHeld(1));
      Plan p = plan(new FleetSnapshot(fleet, 1, 50, false), Policy.of(0), new Limits(5, 1, 0), T0);
      assertThat(p.create()).isEqualTo(1);
      assertThat(p.limitedByMax()).isTrue();
    }

    @Test
    void deletingInstancesAreNotCapacity() {
      List<InstanceInfo> fleet =
          List.of(
              InstanceInfo.outside("d1", InstancePhase.DELETING),
              InstanceInfo.outside("d2", InstancePhase.DELETING));
      Plan p = plan(FleetSnapshot.of(fleet), Policy.of(2), new Limits(10, 1, 0), T0);
      assertThat(p.create()).isEqualTo(2);
      assertThat(p.capacityInstances()).isZero();
    }

    @Test
    void bootingAndRequestedInstancesAreCapacitySoDemandIsNotAskedTwice() {
      List<InstanceInfo> fleet = List.of(InstanceInfo.outside("c", InstancePhase.CREATING));
      Plan p = plan(new FleetSnapshot(fleet, 2, 3, false), Policy.of(0), new Limits(10, 1, 0), T0);
      assertThat(p.create()).isZero();
    }

    @Test
    void neverDeletesAnInstanceHoldingASlotWhateverTheReason() {
      List<InstanceInfo> fleet =
          List.of(
              new InstanceInfo("unhealthy", InstancePhase.UNHEALTHY, 1, 1, false, T0, null, null),
              new InstanceInfo("used-up", InstancePhase.READY, 1, 5, true, T0, null, null),
              new InstanceInfo(
                  "draining",
                  InstancePhase.DRAINING,
                  1,
                  1,
                  false,
                  T0,
                  null,
                  DeletionReason.IDLE_TIME),
              ready("idle-but-held").withHeld(1));
      Plan p = plan(FleetSnapshot.of(fleet), Policy.of(0), new Limits(10, 2, 5), LATER);
      assertThat(p.deletions()).isEmpty();
      Plan shutdown =
          plan(new FleetSnapshot(fleet, 0, 0, true), Policy.of(0), new Limits(10, 2, 5), LATER);
      assertThat(shutdown.deletions()).isEmpty();
    }

    @Test
    void forcedReasonsDeleteEmptyInstances() {
      List<InstanceInfo> fleet =
          List.of(
              new InstanceInfo("u", InstancePhase.UNHEALTHY, 0, 1, false, T0, null, null),
              new InstanceInfo("m", InstancePhase.READY, 0, 5, true, T0, T0, null),
              new InstanceInfo(
                  "d", InstancePhase.DRAINING, 0, 1, false, T0, T0, DeletionReason.MAX_USE),
              InstanceInfo.outside("t", InstancePhase.TIMEOUT),
              InstanceInfo.outside("p", InstancePhase.PREEXISTING));
      Plan p = plan(FleetSnapshot.of(fleet), Policy.of(0), new Limits(10, 1, 5), T0);
      assertThat(p.deletions())
          .containsExactlyInAnyOrder(
              new Deletion("u", DeletionReason.UNHEALTHY),
              new Deletion("m", DeletionReason.MAX_USE),
              new Deletion("d", DeletionReason.MAX_USE),
              new Deletion("t", DeletionReason.TIMEOUT),
              new Deletion("p", DeletionReason.PREEXISTING));
      assertThat(p.create()).isZero();
    }

    @Test
    void overMaxDeletesEmptyInstancesDownToTheMaximum() {
      Plan p = plan(FleetSnapshot.of(readyFleet(5)), Policy.of(5), new Limits(3, 1, 0), T0);
      assertThat(p.deletions()).hasSize(2).allMatch(d -> d.reason() == DeletionReason.OVER_MAX);
      assertThat(p.create()).isZero();
    }

    @Test
    void shutdownDeletesEveryEmptyInstanceAndCreatesNothing() {
      List<InstanceInfo> fleet =
          List.of(
              ready("a"),
              ready("b").withHeld(1),
              InstanceInfo.outside("c", InstancePhase.CREATING));
      Plan p = plan(new FleetSnapshot(fleet, 0, 4, true), Policy.of(3), new Limits(10, 1, 0), T0);
      assertThat(deleted(p)).containsExactlyInAnyOrder("a", "c");
      assertThat(p.deletions()).allMatch(d -> d.reason() == DeletionReason.SHUTDOWN);
      assertThat(p.create()).isZero();
    }
  }

  @Nested
  class IdleRemoval {
    @Test
    void idleTimeRunsFromLastReleaseOrReady() {
      Instant released = T0.plusSeconds(120);
      InstanceInfo used =
          new InstanceInfo("used", InstancePhase.READY, 0, 1, false, T0, released, null);
      InstanceInfo unused = ready("unused");
      Instant now = T0.plus(IDLE).plusSeconds(60); // unused expired, used not yet
      Plan p =
          plan(FleetSnapshot.of(List.of(used, unused)), Policy.of(0), new Limits(10, 1, 0), now);
      assertThat(deleted(p)).containsExactly("unused");
      Plan later =
          plan(
              FleetSnapshot.of(List.of(used)),
              Policy.of(0),
              new Limits(10, 1, 0),
              released.plus(IDLE));
      assertThat(deleted(later)).containsExactly("used");
    }

    @Test
    void notExpiredInstancesStay() {
      Plan p =
          plan(
              FleetSnapshot.of(readyFleet(3)),
              Policy.of(0),
              new Limits(10, 1, 0),
              T0.plus(IDLE).minusSeconds(1));
      assertThat(p.deletions()).isEmpty();
    }

    @Test
    void instancesNeededForIdleCountStay() {
      Plan p = plan(FleetSnapshot.of(readyFleet(4)), Policy.of(2), new Limits(10, 1, 0), LATER);
      assertThat(p.deletions()).hasSize(2);
      assertThat(p.create()).isZero();
    }

    @Test
    void longestIdleGoesFirst() {
      InstanceInfo old = ready("old");
      InstanceInfo recent =
          new InstanceInfo("recent", InstancePhase.READY, 0, 1, false, T0, T0.plusSeconds(5), null);
      Plan p =
          plan(
              FleetSnapshot.of(List.of(recent, old)),
              Policy.of(1),
              new Limits(10, 1, 0),
              LATER.plusSeconds(10));
      assertThat(deleted(p)).containsExactly("old");
    }
  }

  /** Regression tests for the scaling bugs reported against GitLab's taskscaler. */
  @Nested
  class TaskscalerRegressions {

    /** gitlab-runner #37673: idle_count = 1 kept two instances. */
    @Test
    void idleCountOneKeepsExactlyOneInstance() {
      Limits limits = new Limits(10, 1, 0);
      Plan p = plan(FleetSnapshot.of(readyFleet(2)), Policy.of(1), limits, LATER);
      assertThat(p.deletions()).hasSize(1);
      assertThat(p.create()).isZero();
      // And once one is left, nothing more happens.
      Plan next = plan(FleetSnapshot.of(readyFleet(1)), Policy.of(1), limits, LATER);
      assertThat(next.isEmpty()).isTrue();
    }

    /** gitlab-runner #37526: an instance was re-created right after it was removed. */
    @Test
    void removedInstanceIsNotRecreated() {
      Limits limits = new Limits(10, 1, 0);
      Plan remove = plan(FleetSnapshot.of(readyFleet(1)), Policy.of(0), limits, LATER);
      assertThat(deleted(remove)).containsExactly("i-0");
      // The next tick sees it deleting: it is neither capacity nor demand.
      Plan next =
          plan(
              FleetSnapshot.of(List.of(InstanceInfo.outside("i-0", InstancePhase.DELETING))),
              Policy.of(0),
              limits,
              LATER);
      assertThat(next.isEmpty()).isTrue();
    }

    /** gitlab-runner #37643: with capacity_per_instance > 1 the fleet never reached zero. */
    @Test
    void capacityAboveOneReachesExactlyZero() {
      for (int cap = 1; cap <= 16; cap++) {
        Plan p = plan(FleetSnapshot.of(readyFleet(3)), Policy.of(0), new Limits(10, cap, 0), LATER);
        assertThat(p.deletions()).as("capacity %d", cap).hasSize(3);
        assertThat(p.create()).isZero();
      }
    }

    /** taskscaler #29: scale-out with idle_count 0 and nothing asked for. */
    @Test
    void noScaleOutWithoutDemand() {
      Plan p = plan(FleetSnapshot.of(List.of()), Policy.of(0), new Limits(10, 4, 0), T0);
      assertThat(p.isEmpty()).isTrue();
      List<InstanceInfo> busy = List.of(ready("a").withHeld(4), ready("b").withHeld(3));
      assertThat(plan(FleetSnapshot.of(busy), Policy.of(0), new Limits(10, 4, 0), T0).create())
          .isZero();
    }

    /**
     * taskscaler #20: viable instances were deleted while work still needed them. Idle instances
     * covering pending demand or the idle target stay even past idle_time.
     */
    @Test
    void viableInstancesAreNotDeletedWhileDemandNeedsThem() {
      Plan p =
          plan(
              FleetSnapshot.of(readyFleet(3)).withPending(2),
              Policy.of(1),
              new Limits(10, 1, 0),
              LATER);
      assertThat(p.deletions()).isEmpty();
      assertThat(p.create()).isZero();
    }

    /**
     * gitlab-runner #38355: jobs queued on a full instance although the fleet had headroom. Pending
     * demand beyond the ready capacity creates instances at once, all of them in one plan.
     */
    @Test
    void pendingDemandCreatesAllMissingInstancesAtOnce() {
      List<InstanceInfo> full = List.of(ready("a").withHeld(2));
      Plan p = plan(FleetSnapshot.of(full).withPending(10), Policy.of(0), new Limits(20, 2, 0), T0);
      assertThat(p.create()).isEqualTo(5);
    }

    /**
     * gitlab-runner #38291: after a weekend-to-weekday policy switch intake stopped. The switch to
     * a larger idle count scales up in one plan; existing reservations stay demand.
     */
    @Test
    void policySwitchScalesUpImmediately() {
      List<InstanceInfo> fleet = List.of(ready("a").withHeld(1));
      Limits limits = new Limits(20, 1, 0);
      assertThat(plan(FleetSnapshot.of(fleet), Policy.of(0), limits, T0).create()).isZero();
      assertThat(plan(FleetSnapshot.of(fleet), Policy.of(4), limits, T0).create()).isEqualTo(4);
    }

    /** taskscaler !49, runaway: instances that vanish take their slots with them. */
    @Test
    void noRunawayAfterInstancesDisappear() {
      Limits limits = new Limits(100, 2, 0);
      List<InstanceInfo> before = List.of(ready("a").withHeld(2), ready("b").withHeld(2));
      assertThat(plan(FleetSnapshot.of(before), Policy.of(1), limits, T0).create()).isEqualTo(1);
      // b vanished; its two jobs failed with it. Only a's work and the idle target remain.
      List<InstanceInfo> after = List.of(ready("a").withHeld(2));
      assertThat(plan(FleetSnapshot.of(after), Policy.of(1), limits, T0).create()).isEqualTo(1);
    }

    /**
     * gitlab-runner #39161, preemptive mode: long-polling reservations take idle slots; they fill
     * the idle target instead of growing the fleet, until the job is acquired.
     */
    @Test
    void reservationsFillTheIdleTargetInsteadOfGrowingTheFleet() {
      Limits limits = new Limits(100, 1, 0);
      List<InstanceInfo> fleet = List.of(ready("a").withHeld(1), ready("b"));
      // idle_count 2, one slot reserved and one idle: the target is met.
      Plan reserved = plan(FleetSnapshot.of(fleet).withReserved(1), Policy.of(2), limits, LATER);
      assertThat(reserved.isEmpty()).isTrue();
      // Once the job is acquired, the idle pool is refilled.
      Plan acquired = plan(FleetSnapshot.of(fleet), Policy.of(2), limits, LATER);
      assertThat(acquired.create()).isEqualTo(1);
      // With idle_count 0 a reservation keeps only the instance it sits on.
      List<InstanceInfo> three = List.of(ready("a").withHeld(1), ready("b"), ready("c"));
      Plan scaleIn = plan(FleetSnapshot.of(three).withReserved(1), Policy.of(0), limits, LATER);
      assertThat(deleted(scaleIn)).containsExactlyInAnyOrder("b", "c");
    }

    /** gitlab-runner #39161: reservations held on one instance do not keep empty ones alive. */
    @Test
    void reservationsNeverBlockIdleScaleIn() {
      List<InstanceInfo> fleet = new ArrayList<>(readyFleet(3));
      fleet.set(0, fleet.get(0).withHeld(2)); // two reservations packed on i-0
      Plan p = plan(FleetSnapshot.of(fleet), Policy.of(0), new Limits(10, 2, 0), LATER);
      assertThat(deleted(p)).containsExactlyInAnyOrder("i-1", "i-2");
    }
  }
}
