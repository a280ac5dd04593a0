package io.fleetscaler.core.scaler;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.slots.SlotCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The reasons of {@link WaitExplainer#explain}, each with its sentence and figures, from the
 * provisioner's last publication ({@link WaitExplainer.Facts}) and fresh request-side figures. Pure
 * functions; the order of the calls is the order of {@link BlockingReason.Kind}.
 */
final class WaitReasonWords {
  private WaitReasonWords() {}

  static void updateFailing(WaitExplainer.Facts f, List<BlockingReason> reasons) {
    Instant failingSince = f.updateFailingSince();
    if (failingSince != null) {
      reasons.add(
          new BlockingReason(
              BlockingReason.Kind.UPDATE_FAILING,
              "the plugin's update failed "
                  + f.updateFailures()
                  + " time(s) in a row since "
                  + failingSince
                  + ": the scaler cannot see its fleet and does not scale",
              f.updateFailures(),
              0,
              failingSince,
              null,
              ""));
    }
  }

  /** {@code max_instances} and the throttle: the last plan wanted more than they allowed. */
  static void limits(
      WaitExplainer.Facts f,
      int maxInstances,
      int capacityPerInstance,
      int waiting,
      Map<String, Integer> instancesByState,
      List<BlockingReason> reasons) {
    if (f.limitedByMax()) {
      int instances = instancesByState.values().stream().mapToInt(Integer::intValue).sum();
      reasons.add(
          reason(
              BlockingReason.Kind.MAX_INSTANCES,
              "at max_instances: "
                  + instances
                  + " instances of "
                  + maxInstances
                  + "; demand is "
                  + f.demand()
                  + " slots, capacity "
                  + (long) f.capacityInstances() * capacityPerInstance
                  + " slots ("
                  + waiting
                  + " acquisitions waiting)",
              instances,
              maxInstances));
    }
    if (f.notScaled().equals("throttled")) {
      int heldBack = Math.max(0, f.planned() - f.created());
      reasons.add(
          reason(
              BlockingReason.Kind.SCALE_THROTTLE,
              "scale_throttle allowed "
                  + f.created()
                  + " of "
                  + f.planned()
                  + " planned creations; "
                  + heldBack
                  + " wait for tokens",
              heldBack,
              0));
    }
  }

  /** Backoffs and capacity refusals, while the last plan still wants instances. */
  static void creationHeld(WaitExplainer.Facts f, Instant now, List<BlockingReason> reasons) {
    boolean wantsMore = f.planned() > 0;
    Instant backoffUntil = f.backoffUntil();
    if (backoffUntil != null && now.isBefore(backoffUntil) && wantsMore) {
      reasons.add(
          new BlockingReason(
              BlockingReason.Kind.PROVIDER_BACKOFF,
              "creation backs off until "
                  + backoffUntil
                  + " after "
                  + f.providerErrors()
                  + " provider error(s) in a row; last: "
                  + f.providerError(),
              f.providerErrors(),
              0,
              f.providerErrorAt(),
              backoffUntil,
              f.providerError()));
    }
    if (!f.capacityError().isEmpty() && wantsMore) {
      reasons.add(
          new BlockingReason(
              BlockingReason.Kind.CAPACITY_ERROR,
              "the provider is out of capacity: asked "
                  + f.capacityAsked()
                  + ", granted "
                  + f.capacityGranted()
                  + " ("
                  + f.capacityError()
                  + ")",
              (long) f.capacityAsked() - f.capacityGranted(),
              0,
              f.capacityErrorAt(),
              null,
              f.capacityError()));
    }
    Instant readinessUntil = f.readinessUntil();
    if (readinessUntil != null && now.isBefore(readinessUntil) && wantsMore) {
      reasons.add(
          new BlockingReason(
              BlockingReason.Kind.READINESS_BACKOFF,
              "creation backs off until "
                  + readinessUntil
                  + " after an instance failed its ready command: "
                  + f.readinessError(),
              0,
              0,
              f.readinessErrorAt(),
              readinessUntil,
              f.readinessError()));
    }
  }

  static void booting(WaitExplainer.Facts f, List<BlockingReason> reasons) {
    if (f.bootingTotal() > 0) {
      List<BootingInstance> b = f.booting();
      Instant first = b.isEmpty() ? null : b.get(0).expectedReadyAt();
      Duration estimate = f.bootEstimate();
      reasons.add(
          new BlockingReason(
              BlockingReason.Kind.BOOTING,
              f.bootingTotal()
                  + " instance(s) booting; "
                  + (first == null || estimate == null
                      ? "no boot time observed yet"
                      : "the first expected ready at "
                          + first
                          + " (typical boot "
                          + estimate.toSeconds()
                          + "s)"),
              f.bootingTotal(),
              0,
              b.isEmpty() ? null : b.get(0).since(),
              first,
              ""));
    }
  }

  static void policy(Policy policy, SlotCounts slots, List<BlockingReason> reasons) {
    if (policy.preemptiveMode() && slots.idle() == 0) {
      reasons.add(
          reason(
              BlockingReason.Kind.PREEMPTIVE_MODE,
              "preemptive_mode refuses reservations while no ready slot is idle",
              0,
              0));
    }
    if (policy.idleTarget(slots.acquired()) == 0) {
      reasons.add(
          reason(
              BlockingReason.Kind.IDLE_TARGET_ZERO,
              "the policy in force keeps no idle slot (idle_count 0"
                  + (policy.periods().equals(List.of(Policy.ALWAYS))
                      ? ""
                      : " in periods " + policy.periods())
                  + "): a job waits for an instance to boot unless a slot is free",
              0,
              0));
    }
  }

  static BlockingReason reason(BlockingReason.Kind kind, String detail, long n, long of) {
    return new BlockingReason(kind, detail, n, of, null, null, "");
  }

  static BlockingReason reason(BlockingReason.Kind kind, String detail) {
    return reason(kind, detail, 0, 0);
  }
}
