package io.fleetscaler.core.scaler;

/**
 * Decides when a running instance starts taking work. The provisioner asks it once per instance,
 * under the control lock, when the cloud first reports the instance running.
 */
interface InstanceGate {

  /**
   * The instance runs for the first time.
   *
   * @return true to make it ready now; false when a readiness check was started that will make it
   *     ready or delete it later
   */
  boolean admit(String instanceId);

  /** The instance left the provisioner's table: drop what is remembered about it. */
  void forget(String instanceId);
}
