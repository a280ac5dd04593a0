package io.fleetscaler.core.scaler;

import io.fleetscaler.core.slots.SlotLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a {@link TaskScaler.Builder}'s options before anything starts, and reports every problem
 * at once, each with its key as in the configuration ({@code max_instances}, ...) and the value
 * given. Stateless.
 */
final class OptionChecks {
  private OptionChecks() {}

  /**
   * Checks {@code b}'s options.
   *
   * @throws IllegalArgumentException naming every invalid option
   */
  static void validate(TaskScaler.Builder b) {
    List<String> errors = new ArrayList<>();
    if (b.capacityPerInstance < 1 || b.capacityPerInstance > SlotLimits.MAX_CAPACITY_PER_INSTANCE) {
      errors.add(
          "capacity_per_instance: must be in 1.."
              + SlotLimits.MAX_CAPACITY_PER_INSTANCE
              + ", got "
              + b.capacityPerInstance);
    }
    if (b.maxInstances < 1 || b.maxInstances > SlotLimits.MAX_INSTANCES) {
      errors.add(
          "max_instances: must be in 1.." + SlotLimits.MAX_INSTANCES + ", got " + b.maxInstances);
    }
    if (b.maxUseCount < 0 || b.maxUseCount > SlotLimits.MAX_USE_COUNT) {
      errors.add("max_use_count: must be >= 0 (0 = unlimited), got " + b.maxUseCount);
    }
    positive(errors, "update_interval", b.updateInterval);
    positive(errors, "update_interval_when_expecting", b.updateIntervalWhenExpecting);
    positive(errors, "deletion_retry_interval", b.deletionRetryInterval);
    positive(errors, "creation_timeout", b.creationTimeout);
    if (b.heartbeatInterval.isNegative()) {
      errors.add("heartbeat_interval: must be >= 0 (0 = off), got " + b.heartbeatInterval);
    }
    positive(errors, "readiness_timeout", b.readinessTimeout);
    positive(errors, "plugin_call_timeout", b.pluginCallTimeout);
    if (b.instanceReadyCommand.isBlank() && !b.instanceReadyCommand.isEmpty()) {
      errors.add("instance_ready_command: must not be only blanks");
    }
    if (b.connectorHeartbeat && b.heartbeatInterval.isZero() && !b.acquireHeartbeat) {
      errors.add("connector heartbeats need a heartbeat interval > 0 or acquire heartbeats");
    }
    if (b.failureThreshold < 1) {
      errors.add("failure_threshold: must be >= 1, got " + b.failureThreshold);
    }
    positive(errors, "shutdown_deletion_interval", b.shutdownDeletionInterval);
    if (b.shutdownDeletionRetries < 0) {
      errors.add("shutdown_deletion_retries: must be >= 0, got " + b.shutdownDeletionRetries);
    }
    if (b.restoredAcquisitionGrace.isNegative()) {
      errors.add("restored_acquisition_grace: must be >= 0, got " + b.restoredAcquisitionGrace);
    }
    if (b.stateSaveDelay.isNegative()) {
      errors.add("state_save_delay: must be >= 0, got " + b.stateSaveDelay);
    }
    if (!(b.scaleThrottleLimit == -1 || b.scaleThrottleLimit >= 0)) {
      errors.add(
          "scale_throttle.limit: must be -1 (unlimited) or >= 0, got " + b.scaleThrottleLimit);
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid task scaler options: " + String.join("; ", errors));
    }
  }

  private static void positive(List<String> errors, String name, Duration d) {
    if (d.isNegative() || d.isZero()) {
      errors.add(name + ": must be > 0, got " + d);
    }
  }
}
