package io.fleetscaler.benchmarks.planner;

import io.fleetscaler.core.planner.FleetSnapshot;
import io.fleetscaler.core.planner.Limits;
import io.fleetscaler.core.planner.Plan;
import io.fleetscaler.core.planner.Planner;
import io.fleetscaler.core.policy.Policy;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One planner decision on a fleet snapshot of 10 000 or 100 000 instances (see {@link Fleets} for
 * the mix): {@code core}'s planner against the {@link SortingPlanner} baseline, in the same run.
 *
 * <p>Two fleet shapes: {@code steady} (nothing waits; the plan scales in, deleting the idle-expired
 * instances the idle target does not need) and {@code surge} (acquisitions wait for as many slots
 * as the fleet has; the plan scales up). Snapshots are built once per trial; the benchmark times
 * only {@link Planner#plan}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class PlannerBenchmark {

  @Param({"engine", "sortall"})
  public String impl = "engine";

  @Param({"10000", "100000"})
  public int instances = 10_000;

  @Param({"steady", "surge"})
  public String fleet = "steady";

  private Planner planner = Planner.create();
  private FleetSnapshot snapshot = FleetSnapshot.of(List.of());
  private Policy policy = Policy.DEFAULT;
  private Limits limits = new Limits(1, 1, 0);

  @Setup(Level.Trial)
  public void setUp() {
    planner =
        switch (impl) {
          case "engine" -> Planner.create();
          case "sortall" -> new SortingPlanner();
          default -> throw new IllegalArgumentException("unknown impl " + impl);
        };
    snapshot =
        switch (fleet) {
          case "steady" -> Fleets.steady(instances, 42);
          case "surge" -> Fleets.surge(instances, 42);
          default -> throw new IllegalArgumentException("unknown fleet " + fleet);
        };
    policy = Fleets.policy(instances);
    limits = Fleets.limits(instances);
  }

  /** One decision. */
  @Benchmark
  public Plan plan() {
    return planner.plan(snapshot, policy, limits, Fleets.NOW);
  }
}
