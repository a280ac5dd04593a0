package io.fleetscaler.plugin.statichosts;

import java.time.Duration;
import java.util.List;

/**
 * The validated {@code plugin_config} of a static group.
 *
 * @param hosts the configured hosts, in the order they are handed out (sorted by name)
 * @param probeTimeout how long one reachability probe may take, connect and banner together
 */
record StaticConfig(List<StaticHost> hosts, Duration probeTimeout) {

  static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(5);

  StaticConfig {
    hosts = List.copyOf(hosts);
  }
}
