package io.fleetscaler.plugin.aws;

import io.fleetscaler.plugin.api.InstanceState;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/**
 * Maps an Auto Scaling instance's lifecycle state and health status to the SPI's {@link
 * InstanceState}.
 *
 * <ul>
 *   <li>{@code Pending*} and {@code Quarantined}: creating.
 *   <li>{@code InService}: running.
 *   <li>{@code Terminating*}, {@code Detaching}, {@code Detached}: deleting (leaving the group).
 *   <li>{@code Terminated}: deleted.
 *   <li>{@code EnteringStandby}: suspending. {@code Standby}: one of the suspend states, decided by
 *       the EC2 state of the instance ({@link #standby}): a suspended instance is one in standby
 *       whose EC2 instance is stopped.
 *   <li>Anything else ({@code Warmed:*}, states AWS adds later): creating, as fleeting does, so the
 *       scaler never sends work to it, and deletes it if it stays there past its boot timeout.
 *   <li>Health status {@code Unhealthy} on an instance that is neither leaving nor in standby:
 *       timeout, so the scaler deletes it in the cloud rather than waiting for Auto Scaling to
 *       replace it (it cannot: replacement is what scale-in protection and named termination are
 *       there to prevent).
 * </ul>
 */
final class LifecycleStates {
  private LifecycleStates() {}

  /**
   * The state from Auto Scaling's view alone; for an instance in {@code Standby} this is {@link
   * InstanceState#SUSPENDED}, which {@link #standby} refines with its EC2 state.
   */
  static InstanceState map(@Nullable String lifecycle, @Nullable String health) {
    InstanceState state = lifecycle(lifecycle == null ? "" : lifecycle);
    boolean leaving = state == InstanceState.DELETING || state == InstanceState.DELETED;
    if (!leaving && !standby(lifecycle) && "Unhealthy".equalsIgnoreCase(health)) {
      return InstanceState.TIMEOUT;
    }
    return state;
  }

  /** Whether {@code lifecycle} means the instance is leaving or has left the group. */
  static boolean leaving(@Nullable String lifecycle) {
    InstanceState state = lifecycle(lifecycle == null ? "" : lifecycle);
    return state == InstanceState.DELETING || state == InstanceState.DELETED;
  }

  /** Whether the instance is in standby or entering it: out of the desired capacity. */
  static boolean standby(@Nullable String lifecycle) {
    return "Standby".equals(lifecycle) || "EnteringStandby".equals(lifecycle);
  }

  /**
   * The state of an instance in {@code Standby} whose EC2 instance is in {@code ec2} (null when EC2
   * did not list it).
   *
   * <ul>
   *   <li>{@code stopped}: suspended.
   *   <li>{@code stopping}: suspending.
   *   <li>{@code pending}: resuming (started, not yet running).
   *   <li>{@code running}: resuming while a resume of it is under way or failed half-way, else
   *       suspending (in standby, not stopped yet). Either way the call that was cut short is
   *       repeated by the scaler, and both are idempotent.
   *   <li>{@code shutting-down}, {@code terminated}: deleting.
   * </ul>
   */
  static InstanceState standby(@Nullable InstanceStateName ec2, boolean resuming) {
    if (ec2 == null) {
      return InstanceState.SUSPENDING;
    }
    return switch (ec2) {
      case STOPPED -> InstanceState.SUSPENDED;
      case STOPPING -> InstanceState.SUSPENDING;
      case PENDING -> InstanceState.RESUMING;
      case RUNNING -> resuming ? InstanceState.RESUMING : InstanceState.SUSPENDING;
      case SHUTTING_DOWN, TERMINATED -> InstanceState.DELETING;
      default -> InstanceState.SUSPENDING;
    };
  }

  private static InstanceState lifecycle(String lifecycle) {
    if (lifecycle.equals("InService")) {
      return InstanceState.RUNNING;
    }
    if (lifecycle.equals("Terminated")) {
      return InstanceState.DELETED;
    }
    if (lifecycle.startsWith("Terminating") || lifecycle.startsWith("Detach")) {
      return InstanceState.DELETING;
    }
    if (lifecycle.equals("EnteringStandby")) {
      return InstanceState.SUSPENDING;
    }
    if (lifecycle.equals("Standby")) {
      return InstanceState.SUSPENDED;
    }
    return InstanceState.CREATING;
  }
}
