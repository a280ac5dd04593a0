package io.fleetscaler.core.policy;

import java.time.Instant;
import java.util.List;

/** Scans the policies from the last to the first and returns the first one active. */
final class LastMatchSchedule implements PolicySchedule {

  /** A policy with its compiled periods. */
  record CompiledPolicy(Policy policy, List<CronPeriod> periods) {}

  private final List<CompiledPolicy> compiled;
  private final List<Policy> policies;

  LastMatchSchedule(List<CompiledPolicy> compiled) {
    this.compiled = compiled;
    this.policies = compiled.stream().map(CompiledPolicy::policy).toList();
  }

  @Override
  public List<Policy> policies() {
    return policies;
  }

  @Override
  public Policy activeAt(Instant now) {
    for (int i = compiled.size() - 1; i >= 0; i--) {
      CompiledPolicy candidate = compiled.get(i);
      for (CronPeriod period : candidate.periods()) {
        if (period.contains(now)) {
          return candidate.policy();
        }
      }
    }
    return Policy.DEFAULT;
  }
}
