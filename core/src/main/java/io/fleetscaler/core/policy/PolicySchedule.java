package io.fleetscaler.core.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The configured policies in order; at any instant the last one with an active period applies, and
 * {@link Policy#DEFAULT} (no idle capacity) when none does. Immutable and thread-safe: reloading
 * policies means building a new schedule.
 */
public interface PolicySchedule {

  /**
   * Compiles {@code policies} (validated already by {@link Policy}'s constructor).
   *
   * @param policies in configuration order, possibly empty
   */
  static PolicySchedule of(List<Policy> policies) {
    Objects.requireNonNull(policies, "policies");
    List<LastMatchSchedule.CompiledPolicy> compiled = new ArrayList<>(policies.size());
    for (Policy policy : policies) {
      List<CronPeriod> periods = new ArrayList<>(policy.periods().size());
      for (String period : policy.periods()) {
        periods.add(new CronPeriod(period, policy.timezone()));
      }
      compiled.add(new LastMatchSchedule.CompiledPolicy(policy, List.copyOf(periods)));
    }
    return new LastMatchSchedule(List.copyOf(compiled));
  }

  /** The policies this schedule was built from, in order. */
  List<Policy> policies();

  /** The policy in force at {@code now}: the last whose period contains it, else the default. */
  Policy activeAt(Instant now);
}
