package io.fleetscaler.benchmarks.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.planner.FleetSnapshot;
import io.fleetscaler.core.planner.Limits;
import io.fleetscaler.core.planner.Plan;
import io.fleetscaler.core.planner.Planner;
import io.fleetscaler.core.policy.Policy;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The baseline decides what {@code core}'s planner decides, deletions in the same order, on
 * generated fleets of every shape the benchmark uses and a few more (over the maximum, shutting
 * down). Correctness only: nothing here measures time.
 */
class SortingPlannerTest {

  private final Planner engine = Planner.create();
  private final Planner baseline = new SortingPlanner();

  @Test
  void steadyFleetsScaleInAlike() {
    for (long seed = 1; seed <= 5; seed++) {
      Plan plan = assertSamePlan(Fleets.steady(2_000, seed), Fleets.limits(2_000));
      assertThat(plan.create()).isZero();
      assertThat(reasons(plan)).contains(DeletionReason.IDLE_TIME, DeletionReason.MAX_USE);
    }
  }

  @Test
  void surgesScaleUpAlike() {
    for (long seed = 1; seed <= 5; seed++) {
      Plan plan = assertSamePlan(Fleets.surge(2_000, seed), Fleets.limits(2_000));
      assertThat(plan.create()).isPositive();
      assertThat(reasons(plan)).doesNotContain(DeletionReason.IDLE_TIME);
    }
  }

  @Test
  void fleetsOverTheMaximumShrinkAlike() {
    for (long seed = 1; seed <= 5; seed++) {
      Plan plan = assertSamePlan(Fleets.steady(2_000, seed), new Limits(1_500, 4, 100));
      assertThat(reasons(plan)).contains(DeletionReason.OVER_MAX);
    }
  }

  @Test
  void shutdownsDeleteAlike() {
    FleetSnapshot fleet = Fleets.steady(2_000, 9);
    FleetSnapshot shuttingDown =
        new FleetSnapshot(fleet.instances(), fleet.requested(), 0, true, fleet.reserved());
    Plan plan = assertSamePlan(shuttingDown, Fleets.limits(2_000));
    assertThat(reasons(plan)).contains(DeletionReason.SHUTDOWN);
  }

  @Test
  void smallAndEmptyFleetsAlike() {
    for (int instances : new int[] {0, 1, 7, 10, 100}) {
      assertSamePlan(Fleets.steady(instances, 3), Fleets.limits(Math.max(1, instances)));
      assertSamePlan(Fleets.surge(instances, 3), Fleets.limits(Math.max(1, instances)));
    }
  }

  private Plan assertSamePlan(FleetSnapshot fleet, Limits limits) {
    Policy policy = Fleets.policy(fleet.instances().size());
    Plan expected = engine.plan(fleet, policy, limits, Fleets.NOW);
    assertThat(baseline.plan(fleet, policy, limits, Fleets.NOW)).isEqualTo(expected);
    return expected;
  }

  private static Set<DeletionReason> reasons(Plan plan) {
    return plan.deletions().stream().map(d -> d.reason()).collect(Collectors.toSet());
  }
}
