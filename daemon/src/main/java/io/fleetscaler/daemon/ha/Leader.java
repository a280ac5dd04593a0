package io.fleetscaler.daemon.ha;

import java.util.Objects;

/**
 * Who leads an election, as its leader key says.
 *
 * @param node the leader's node name
 * @param apiAddress {@code host:port} where its API answers runner managers
 */
public record Leader(String node, String apiAddress) {
  public Leader {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(apiAddress, "apiAddress");
  }
}
