package io.fleetscaler.plugin.api;

import java.util.Objects;

/**
 * What the host passes to {@link InstanceGroup#init} besides the plugin's own configuration.
 *
 * @param connector the operator's connector defaults
 */
public record Settings(ConnectorConfig connector) {
  public Settings {
    Objects.requireNonNull(connector, "connector");
  }

  /** Settings with {@link ConnectorConfig#defaults()}. */
  public static Settings defaults() {
    return new Settings(ConnectorConfig.defaults());
  }
}
