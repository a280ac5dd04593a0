package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.slots.InstanceView;
import io.fleetscaler.core.slots.SlotAllocator;
import java.util.Set;

/**
 * Pool members lent to a short-memory idle target ({@code idle_window}): resumed while no work
 * waited for them, and not used since. Such a target resumes members right after arrivals, for the
 * groups of jobs that follow within seconds, and suspends the ones no job took as its rate decays:
 * they are expected back within about one time constant. The pool therefore does not refill for
 * them (a fresh boot for every loan would cost more than the loan saves); it refills as soon as a
 * job takes one, when it counts as waiting work here and stops being a loan.
 *
 * <p>Not thread-safe: read under the scaler's control lock, by the standby pool's plan.
 */
final class IdleLoans {
  private IdleLoans() {}

  /**
   * How many members are out on loan: those resuming, plus the resumed instances ready and never
   * used, less the work no free slot serves yet (which will take them first).
   *
   * @param resuming members asked to resume and not running yet
   * @param resumed ids of instances that came out of the pool
   * @param unserved waiting acquisitions and reservations beyond the idle slots
   */
  static int count(
      int resuming,
      Set<String> resumed,
      Provisioner provisioner,
      SlotAllocator allocator,
      int unserved) {
    int out = resuming;
    if (!resumed.isEmpty()) {
      for (InstanceView v : allocator.instances()) {
        if (!resumed.contains(v.instanceId())
            || v.state() != InstanceView.State.READY
            || v.held() > 0
            || v.claims() > 0
            || v.completedUses() > 0) {
          continue;
        }
        Provisioner.Tracked t = provisioner.tracked(v.instanceId());
        out += t != null && t.phase == InstancePhase.READY ? 1 : 0;
      }
    }
    return Math.max(0, out - Math.max(0, unserved));
  }
}
