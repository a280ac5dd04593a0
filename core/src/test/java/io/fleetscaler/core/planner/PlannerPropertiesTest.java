package io.fleetscaler.core.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Invariants of the planner over random fleets. */
class PlannerPropertiesTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  final Planner planner = Planner.create();

  @Provide
  Arbitrary<InstanceInfo> instances() {
    Arbitrary<InstancePhase> phases = Arbitraries.of(InstancePhase.class);
    Arbitrary<Integer> held = Arbitraries.integers().between(0, 4);
    Arbitrary<Integer> claims = Arbitraries.integers().between(0, 8);
    Arbitrary<Boolean> exhausted = Arbitraries.of(true, false);
    Arbitrary<Integer> idleSeconds = Arbitraries.integers().between(0, 900);
    Arbitrary<Integer> ids = Arbitraries.integers().between(0, 1_000_000);
    return Combinators.combine(phases, held, claims, exhausted, idleSeconds, ids)
        .as(
            (phase, h, c, ex, idle, id) -> {
              boolean allocated =
                  phase == InstancePhase.READY
                      || phase == InstancePhase.UNHEALTHY
                      || phase == InstancePhase.DRAINING;
              return new InstanceInfo(
                  "i-" + id,
                  phase,
                  allocated ? h : 0,
                  allocated ? Math.max(c, h) : 0,
                  allocated && ex,
                  allocated ? T0 : null,
                  allocated ? T0.plusSeconds(idle) : null,
                  phase == InstancePhase.DRAINING ? DeletionReason.IDLE_TIME : null);
            });
  }

  @Provide
  Arbitrary<List<InstanceInfo>> fleets() {
    return instances().list().ofMaxSize(40).uniqueElements(InstanceInfo::id);
  }

  @Property
  void neverPlansAboveMaxInstances(
      @ForAll("fleets") List<InstanceInfo> fleet,
      @ForAll @IntRange(min = 0, max = 5) int requested,
      @ForAll @IntRange(min = 0, max = 200) int pending,
      @ForAll @IntRange(min = 0, max = 50) int idleCount,
      @ForAll @IntRange(min = 1, max = 60) int maxInstances,
      @ForAll @IntRange(min = 1, max = 4) int cap) {
    Plan p =
        planner.plan(
            new FleetSnapshot(fleet, requested, pending, false),
            Policy.of(idleCount),
            new Limits(maxInstances, cap, 0),
            T0.plusSeconds(1200));
    // What the plan deletes still counts until it is gone.
    int afterPlan = fleet.size() + requested + p.create();
    if (p.create() > 0) {
      assertThat(afterPlan).isLessThanOrEqualTo(maxInstances);
    }
    assertThat(p.create()).isGreaterThanOrEqualTo(0);
  }

  /**
   * Applied (what it deletes is deleting, what it creates is requested) and planned again at once,
   * a plan of a fleet within its maximum leaves nothing over it: no creation that the next plan
   * deletes for {@code over_max} (the churn at the maximum with {@code max_use_count}).
   */
  @Property
  void aPlanAppliedThenPlannedAgainDeletesNothingForTheMaximum(
      @ForAll("fleets") List<InstanceInfo> fleet,
      @ForAll @IntRange(min = 0, max = 5) int requested,
      @ForAll @IntRange(min = 0, max = 200) int pending,
      @ForAll @IntRange(min = 0, max = 50) int idleCount,
      @ForAll @IntRange(min = 1, max = 60) int maxInstances,
      @ForAll @IntRange(min = 1, max = 4) int cap,
      @ForAll @IntRange(min = 0, max = 8) int maxUse) {
    Assume.that(fleet.size() + requested <= maxInstances);
    Policy policy = Policy.of(idleCount);
    Limits limits = new Limits(maxInstances, cap, maxUse);
    Instant now = T0.plusSeconds(1200);
    Plan first =
        planner.plan(new FleetSnapshot(fleet, requested, pending, false), policy, limits, now);
    Set<String> deleted = new HashSet<>();
    first.deletions().forEach(d -> deleted.add(d.instanceId()));
    List<InstanceInfo> applied = new ArrayList<>();
    for (InstanceInfo i : fleet) {
      applied.add(
          deleted.contains(i.id()) ? InstanceInfo.outside(i.id(), InstancePhase.DELETING) : i);
    }
    Plan second =
        planner.plan(
            new FleetSnapshot(applied, requested + first.create(), pending, false),
            policy,
            limits,
            now);
    assertThat(second.deletions()).noneMatch(d -> d.reason() == DeletionReason.OVER_MAX);
  }

  @Property
  void neverDeletesABusyInstanceNorTwiceTheSame(
      @ForAll("fleets") List<InstanceInfo> fleet,
      @ForAll @IntRange(min = 0, max = 20) int idleCount,
      @ForAll @IntRange(min = 1, max = 10) int maxInstances,
      @ForAll boolean shuttingDown) {
    Plan p =
        planner.plan(
            new FleetSnapshot(fleet, 0, 0, shuttingDown),
            Policy.of(idleCount),
            new Limits(maxInstances, 4, 8),
            T0.plusSeconds(1200));
    Set<String> busy = new HashSet<>();
    Set<String> deleting = new HashSet<>();
    for (InstanceInfo i : fleet) {
      if (i.held() > 0) {
        busy.add(i.id());
      }
      if (i.phase() == InstancePhase.DELETING) {
        deleting.add(i.id());
      }
    }
    List<String> ids = p.deletions().stream().map(Deletion::instanceId).toList();
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(ids).noneMatch(busy::contains).noneMatch(deleting::contains);
  }

  @Property
  void reachesZeroWhenNothingIsWantedAndIdleTimeHasPassed(
      @ForAll @IntRange(min = 0, max = 40) int size, @ForAll @IntRange(min = 1, max = 16) int cap) {
    List<InstanceInfo> fleet = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      fleet.add(InstanceInfo.ready("i-" + i, T0));
    }
    Plan p =
        planner.plan(
            FleetSnapshot.of(fleet),
            Policy.of(0),
            new Limits(Math.max(1, size), cap, 0),
            T0.plus(Policy.DEFAULT_IDLE_TIME));
    assertThat(p.deletions()).hasSize(size);
    assertThat(p.create()).isZero();
  }

  /**
   * No oscillation: once a plan is applied (new instances ready, deleted ones gone), the same
   * demand yields an empty plan, now and after the idle time has passed again.
   */
  @Property
  void planIsAFixedPointUnderConstantDemand(
      @ForAll @IntRange(min = 0, max = 30) int size,
      @ForAll @IntRange(min = 0, max = 4) int heldEach,
      @ForAll @IntRange(min = 0, max = 60) int pending,
      @ForAll @IntRange(min = 0, max = 20) int idleCount,
      @ForAll @IntRange(min = 1, max = 4) int cap) {
    int held = Math.min(heldEach, cap);
    Limits limits = new Limits(1000, cap, 0);
    Policy policy = Policy.of(idleCount);
    List<InstanceInfo> fleet = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      fleet.add(InstanceInfo.ready("i-" + i, T0).withHeld(held));
    }
    Instant now = T0.plus(Policy.DEFAULT_IDLE_TIME);
    // Pending acquisitions are placed once instances are ready: model that by holding them.
    Plan first = planner.plan(FleetSnapshot.of(fleet).withPending(pending), policy, limits, now);
    List<InstanceInfo> applied = apply(fleet, first, now);
    long toPlace = pending;
    for (int i = 0; i < applied.size() && toPlace > 0; i++) {
      InstanceInfo inst = applied.get(i);
      int room = cap - inst.held();
      int take = (int) Math.min(room, toPlace);
      applied.set(i, inst.withHeld(inst.held() + take));
      toPlace -= take;
    }
    Plan second = planner.plan(FleetSnapshot.of(applied).withPending(toPlace), policy, limits, now);
    assertThat(second.isEmpty()).as("second plan %s after %s", second, first).isTrue();
    Plan third =
        planner.plan(
            FleetSnapshot.of(applied).withPending(toPlace),
            policy,
            limits,
            now.plus(Policy.DEFAULT_IDLE_TIME).plus(Duration.ofSeconds(1)));
    assertThat(third.isEmpty()).as("third plan %s", third).isTrue();
  }

  private static List<InstanceInfo> apply(List<InstanceInfo> fleet, Plan plan, Instant now) {
    Set<String> gone = new HashSet<>();
    plan.deletions().forEach(d -> gone.add(d.instanceId()));
    List<InstanceInfo> result = new ArrayList<>();
    for (InstanceInfo i : fleet) {
      if (!gone.contains(i.id())) {
        result.add(i);
      }
    }
    for (int i = 0; i < plan.create(); i++) {
      result.add(InstanceInfo.ready("new-" + i, now));
    }
    return result;
  }
}
