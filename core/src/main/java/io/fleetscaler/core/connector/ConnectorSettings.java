package io.fleetscaler.core.connector;

import io.fleetscaler.plugin.api.ConnectorConfig;
import java.util.Objects;

/**
 * The operator's {@code connector_config} as the connector applies it.
 *
 * @param config username, password or key, port, timeout, keep-alive and {@code
 *     use_static_credentials}; the same value the plugin receives in its settings
 * @param useExternalAddr dial the instance's external address rather than its internal one
 */
public record ConnectorSettings(ConnectorConfig config, boolean useExternalAddr) {
  public ConnectorSettings {
    Objects.requireNonNull(config, "config");
  }

  /** SSH with the connector's defaults, dialing internal addresses. */
  public static ConnectorSettings defaults() {
    return new ConnectorSettings(ConnectorConfig.defaults(), false);
  }
}
