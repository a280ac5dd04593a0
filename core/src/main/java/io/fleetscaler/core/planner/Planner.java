package io.fleetscaler.core.planner;

import io.fleetscaler.core.policy.Policy;
import java.time.Instant;

/**
 * Decides how the fleet should change. Pure: the same arguments always give the same plan, nothing
 * is called or changed, and implementations are thread-safe.
 */
public interface Planner {

  /** The planner described in {@link DemandPlanner}. */
  static Planner create() {
    return new DemandPlanner();
  }

  /**
   * Plans one step.
   *
   * @param fleet what exists and what is wanted
   * @param policy the policy active at {@code now}
   * @param limits the fleet's shape
   * @param now the time idle spells are measured to
   */
  Plan plan(FleetSnapshot fleet, Policy policy, Limits limits, Instant now);
}
