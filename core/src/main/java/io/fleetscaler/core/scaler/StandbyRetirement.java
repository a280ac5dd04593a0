package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Who leaves the standby pool, each with its own reason: {@code resume_failed} for a member stuck
 * resuming beyond the creation timeout, {@code standby_expired} after {@code standby_max_age}
 * suspended, {@code standby_surplus} beyond the target once suspended for the policy's {@code
 * idle_time}. It owns only that choice; the deletions go through {@link StandbyTransitions#drop}.
 *
 * <p>Not thread-safe: runs under the scaler's control lock, on the provisioner's side, at the start
 * of each plan with the pool.
 */
final class StandbyRetirement {
  private final StandbyMembers members;
  private final StandbyTransitions transitions;
  private final Provisioner provisioner;
  private final IntSupplier target;
  private final Duration resumeTimeout;

  StandbyRetirement(
      StandbyMembers members,
      StandbyTransitions transitions,
      Provisioner provisioner,
      IntSupplier target,
      Duration resumeTimeout) {
    this.members = members;
    this.transitions = transitions;
    this.provisioner = provisioner;
    this.target = target;
    this.resumeTimeout = resumeTimeout;
  }

  /** Deletes members past their age, beyond the target, or stuck resuming. */
  void retire(Actuator actuator, Policy active, Instant now) {
    Duration maxAge = active.standbyMaxAge();
    int surplus = members.pooled() - target.getAsInt();
    List<Provisioner.Tracked> expired = new ArrayList<>();
    List<Provisioner.Tracked> extra = new ArrayList<>();
    List<Provisioner.Tracked> stuck = new ArrayList<>();
    for (StandbyMembers.Member m : members.all()) {
      Provisioner.Tracked t = provisioner.tracked(m.id);
      if (t == null) {
        continue;
      }
      if (m.resuming) {
        if (!now.isBefore(m.resumeAskedAt.plus(resumeTimeout))) {
          stuck.add(t);
        }
      } else if (!maxAge.isZero() && !now.isBefore(m.since.plus(maxAge))) {
        expired.add(t);
      } else if (surplus > extra.size() && !now.isBefore(m.since.plus(active.idleTime()))) {
        extra.add(t);
      }
    }
    for (Provisioner.Tracked t : stuck) {
      transitions.drop(t, DeletionReason.RESUME_FAILED, actuator, now);
    }
    for (Provisioner.Tracked t : expired) {
      transitions.drop(t, DeletionReason.STANDBY_EXPIRED, actuator, now);
    }
    // Expired ones already lowered the surplus.
    int stillSurplus = members.pooled() - target.getAsInt();
    for (int i = 0; i < extra.size() && i < stillSurplus; i++) {
      transitions.drop(extra.get(i), DeletionReason.STANDBY_SURPLUS, actuator, now);
    }
  }
}
