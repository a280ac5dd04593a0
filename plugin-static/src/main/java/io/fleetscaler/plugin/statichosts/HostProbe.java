package io.fleetscaler.plugin.statichosts;

import java.util.Optional;

/**
 * Checks whether a host answers. Implementations bound each call by their own timeout and are
 * thread-safe: a group probes several hosts at once, and heartbeats run alongside updates.
 */
interface HostProbe {

  /**
   * Probes {@code host:port}.
   *
   * @param expectSsh whether the host must also greet with an SSH identification line; when false a
   *     TCP connection is enough (WinRM hosts)
   * @return empty when the host answered, otherwise why not (for logs and errors; no secrets)
   */
  Optional<String> failure(String host, int port, boolean expectSsh);
}
