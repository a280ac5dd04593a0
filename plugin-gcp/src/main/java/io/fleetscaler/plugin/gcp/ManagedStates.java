package io.fleetscaler.plugin.gcp;

import io.fleetscaler.plugin.api.InstanceState;

/**
 * A managed instance's {@code currentAction} and {@code instanceStatus}, as {@code
 * listManagedInstances} reports them, in our states. The action wins while the group is acting on
 * the instance; with action {@code NONE} the instance's own status decides. Errors from the last
 * creation attempt make a creating instance {@code timeout}: the scaler then deletes it rather than
 * waiting on a VM Google cannot create.
 */
final class ManagedStates {
  private ManagedStates() {}

  static InstanceState map(String currentAction, String instanceStatus, boolean lastAttemptFailed) {
    InstanceState byAction =
        switch (currentAction) {
          case "CREATING", "CREATING_WITHOUT_RETRIES", "RECREATING", "VERIFYING", "RESTARTING" ->
              lastAttemptFailed ? InstanceState.TIMEOUT : InstanceState.CREATING;
          case "DELETING", "ABANDONING" -> InstanceState.DELETING;
          case "SUSPENDING", "STOPPING" -> InstanceState.SUSPENDING;
          case "RESUMING", "STARTING" -> InstanceState.RESUMING;
          case "NONE", "REFRESHING", "" -> byStatus(instanceStatus);
          // An action Google adds later: do not hand the instance out until it settles.
          default -> InstanceState.CREATING;
        };
    return byAction;
  }

  private static InstanceState byStatus(String instanceStatus) {
    return switch (instanceStatus) {
      case "RUNNING" -> InstanceState.RUNNING;
      case "SUSPENDING", "STOPPING" -> InstanceState.SUSPENDING;
      case "SUSPENDED", "TERMINATED", "STOPPED" -> InstanceState.SUSPENDED;
      // REPAIRING: Google moves the VM off a failed host; it is not usable until RUNNING again.
      case "PROVISIONING", "STAGING", "REPAIRING", "" -> InstanceState.CREATING;
      default -> InstanceState.CREATING;
    };
  }
}
