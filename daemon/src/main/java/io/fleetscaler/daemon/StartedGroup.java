package io.fleetscaler.daemon;

import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.daemon.config.GroupConfig;
import io.fleetscaler.daemon.config.PluginRef;
import io.fleetscaler.plugin.sdk.PluginClient;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One group as the daemon runs it: its configuration, plugin and scaler (a lone daemon's or a
 * term's).
 */
record StartedGroup(GroupConfig config, PluginClient client, TaskScaler scaler) {

  /**
   * Why this group is not ready, or null when it is: its plugin process is restarting, or the
   * scaler has not seen its fleet within {@code readiness_max_update_age} (read without the
   * scaler's lock: a scaler that cannot see its fleet serves ready slots but cannot scale).
   */
  @Nullable String notReady(boolean inProcess) {
    boolean inThisJvm = inProcess && config.plugin() instanceof PluginRef.BuiltIn;
    if (!inThisJvm && client.process().isEmpty()) {
      return "plugin " + client.name() + " of group " + config.name() + " is restarting";
    }
    Duration age = Duration.between(scaler.lastSuccessfulUpdate(), Instant.now());
    if (age.compareTo(config.readinessMaxUpdateAge()) > 0) {
      return "group "
          + config.name()
          + ": the plugin's update last succeeded "
          + age.toSeconds()
          + "s ago (readiness_max_update_age "
          + config.readinessMaxUpdateAge().toSeconds()
          + "s)";
    }
    return null;
  }
}
