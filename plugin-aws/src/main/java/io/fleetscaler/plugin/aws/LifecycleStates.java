package io.fleetscaler.plugin.aws;

import io.fleetscaler.plugin.api.InstanceState;
import org.jspecify.annotations.Nullable;

/**
 * Maps an Auto Scaling instance's lifecycle state and health status to the SPI's {@link
 * InstanceState}.
 *
 * <ul>
 *   <li>{@code Pending*} and {@code Quarantined}: creating.
 *   <li>{@code InService}: running.
 *   <li>{@code Terminating*}, {@code Detaching}, {@code Detached}: deleting (leaving the group).
 *   <li>{@code Terminated}: deleted.
 *   <li>Anything else ({@code Standby}, {@code EnteringStandby}, {@code Warmed:*}, states AWS adds
 *       later): creating, as fleeting does, so the scaler never sends work to an instance an
 *       operator took out of service, and deletes it if it stays there past its boot timeout.
 *   <li>Health status {@code Unhealthy} on an instance that is not leaving: timeout, so the scaler
 *       deletes it in the cloud rather than waiting for Auto Scaling to replace it (it cannot:
 *       replacement is what scale-in protection and named termination are there to prevent).
 * </ul>
 */
final class LifecycleStates {
  private LifecycleStates() {}

  static InstanceState map(@Nullable String lifecycle, @Nullable String health) {
    InstanceState state = lifecycle(lifecycle == null ? "" : lifecycle);
    boolean leaving = state == InstanceState.DELETING || state == InstanceState.DELETED;
    if (!leaving && "Unhealthy".equalsIgnoreCase(health)) {
      return InstanceState.TIMEOUT;
    }
    return state;
  }

  /** Whether {@code lifecycle} means the instance is leaving or has left the group. */
  static boolean leaving(@Nullable String lifecycle) {
    InstanceState state = lifecycle(lifecycle == null ? "" : lifecycle);
    return state == InstanceState.DELETING || state == InstanceState.DELETED;
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
    return InstanceState.CREATING;
  }
}
