package io.fleetscaler.plugin.api;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The operator's {@code connector_config}: defaults for reaching instances, which a plugin fills in
 * or overrides in {@link ConnectInfo}. Secrets never appear in {@link #toString()}.
 *
 * @param os operating system, e.g. {@code linux}; empty when unknown
 * @param arch CPU architecture, e.g. {@code amd64}; empty when unknown
 * @param protocol how to connect
 * @param protocolPort port, or 0 for the protocol's default
 * @param username login user; empty when the plugin decides
 * @param password password, or null
 * @param privateKey private key (PEM or OpenSSH text), or null
 * @param useStaticCredentials true when the plugin must use exactly these credentials instead of
 *     minting short-lived ones
 * @param keepalive keep-alive interval, zero for none
 * @param timeout connection timeout, zero for the connector's default
 */
public record ConnectorConfig(
    String os,
    String arch,
    Protocol protocol,
    int protocolPort,
    String username,
    @Nullable String password,
    @Nullable String privateKey,
    boolean useStaticCredentials,
    Duration keepalive,
    Duration timeout) {

  public ConnectorConfig {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(keepalive, "keepalive");
    Objects.requireNonNull(timeout, "timeout");
    if (protocolPort < 0 || protocolPort > 65_535) {
      throw new IllegalArgumentException("protocolPort out of range: " + protocolPort);
    }
  }

  /** SSH on its default port, nothing else set. */
  public static ConnectorConfig defaults() {
    return new ConnectorConfig(
        "", "", Protocol.SSH, 0, "", null, null, false, Duration.ZERO, Duration.ZERO);
  }

  /** The configured port, or the protocol's default when none is set. */
  public int effectivePort() {
    return protocolPort == 0 ? protocol.defaultPort() : protocolPort;
  }

  @Override
  public String toString() {
    return "ConnectorConfig[os="
        + os
        + ", arch="
        + arch
        + ", protocol="
        + protocol.wireName()
        + ", protocolPort="
        + protocolPort
        + ", username="
        + username
        + ", password="
        + (password == null ? "unset" : "<redacted>")
        + ", privateKey="
        + (privateKey == null ? "unset" : "<redacted>")
        + ", useStaticCredentials="
        + useStaticCredentials
        + ", keepalive="
        + keepalive
        + ", timeout="
        + timeout
        + "]";
  }
}
