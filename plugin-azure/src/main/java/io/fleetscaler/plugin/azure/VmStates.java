package io.fleetscaler.plugin.azure;

import io.fleetscaler.plugin.api.InstanceState;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Maps a VM's {@code provisioningState} and power state (the {@code PowerState/*} status of its
 * instance view) to the SPI's states.
 *
 * <table>
 *   <caption>Mapping</caption>
 *   <tr><th>provisioningState</th><th>power state</th><th>state</th></tr>
 *   <tr><td>Failed, Canceled</td><td>any</td><td>timeout: the scaler deletes and replaces it</td></tr>
 *   <tr><td>Deleting</td><td>any</td><td>deleting</td></tr>
 *   <tr><td>Creating</td><td>any</td><td>creating</td></tr>
 *   <tr><td>Succeeded, Updating, Migrating</td><td>running</td><td>running</td></tr>
 *   <tr><td>Succeeded, Updating, Migrating</td><td>starting</td><td>resuming</td></tr>
 *   <tr><td>Succeeded, Updating, Migrating</td><td>stopping, deallocating</td><td>suspending</td></tr>
 *   <tr><td>Succeeded, Updating, Migrating</td><td>stopped, deallocated</td><td>suspended</td></tr>
 *   <tr><td>anything else</td><td>unknown or none</td><td>creating</td></tr>
 * </table>
 */
final class VmStates {

  private VmStates() {}

  static InstanceState map(@Nullable String provisioningState, @Nullable String powerState) {
    String provisioning = lower(provisioningState);
    switch (provisioning) {
      case "failed", "canceled" -> {
        return InstanceState.TIMEOUT;
      }
      case "deleting" -> {
        return InstanceState.DELETING;
      }
      case "creating" -> {
        return InstanceState.CREATING;
      }
      default -> {}
    }
    return switch (lower(powerState)) {
      case "running" -> InstanceState.RUNNING;
      case "starting" -> InstanceState.RESUMING;
      case "stopping", "deallocating" -> InstanceState.SUSPENDING;
      case "stopped", "deallocated" -> InstanceState.SUSPENDED;
      default -> InstanceState.CREATING;
    };
  }

  private static String lower(@Nullable String value) {
    return value == null ? "" : value.toLowerCase(Locale.ROOT);
  }
}
