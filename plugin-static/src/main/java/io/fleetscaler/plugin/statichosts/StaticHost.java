package io.fleetscaler.plugin.statichosts;

import io.fleetscaler.plugin.api.Protocol;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * One configured host, as validated from {@code plugin_config}. Secrets never appear in {@link
 * #toString()}; the key file is only named here and read when connect info is asked for.
 *
 * @param name the instance id the scaler sees
 * @param externalAddr {@code host:port} to dial from outside, empty when not configured
 * @param internalAddr {@code host:port} or {@code host} inside the network, empty when not
 *     configured
 * @param probeHost the host the reachability probe dials
 * @param probePort the port the reachability probe dials
 * @param username login user, or null to keep the connector's
 * @param password password, or null to keep the connector's
 * @param keyPath private key file, or null to keep the connector's key
 * @param os operating system, or null to keep the connector's
 * @param arch architecture, or null to keep the connector's
 * @param protocol protocol, or null to keep the connector's
 */
record StaticHost(
    String name,
    String externalAddr,
    String internalAddr,
    String probeHost,
    int probePort,
    @Nullable String username,
    @Nullable String password,
    @Nullable Path keyPath,
    @Nullable String os,
    @Nullable String arch,
    @Nullable Protocol protocol) {

  @Override
  public String toString() {
    return "StaticHost[name="
        + name
        + ", externalAddr="
        + externalAddr
        + ", internalAddr="
        + internalAddr
        + ", username="
        + username
        + ", password="
        + (password == null ? "unset" : "<redacted>")
        + ", keyPath="
        + keyPath
        + ", os="
        + os
        + ", arch="
        + arch
        + ", protocol="
        + (protocol == null ? null : protocol.wireName())
        + "]";
  }
}
