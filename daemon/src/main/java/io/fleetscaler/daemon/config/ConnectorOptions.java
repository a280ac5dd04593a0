package io.fleetscaler.daemon.config;

import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.Protocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * {@code [connector_config]}: how to reach a group's instances; fills in or overrides what the
 * plugin reports. Secrets never appear in {@link #toString()}.
 *
 * @param os e.g. {@code linux}; empty when the plugin decides
 * @param arch e.g. {@code amd64}; empty when the plugin decides
 * @param protocol {@code ssh} (default), {@code winrm} or {@code winrm+https}
 * @param protocolPort 0 for the protocol's default
 * @param username empty when the plugin decides
 * @param password or null
 * @param keyPath private key file (resolved against the configuration file's directory), or null
 * @param useStaticCredentials use exactly these credentials instead of ones the plugin mints
 * @param keepalive keep-alive interval, zero for none
 * @param timeout connection timeout, zero for the connector's default
 * @param useExternalAddr connect to the instance's external address instead of its internal one
 */
public record ConnectorOptions(
    String os,
    String arch,
    Protocol protocol,
    int protocolPort,
    String username,
    @Nullable String password,
    @Nullable Path keyPath,
    boolean useStaticCredentials,
    Duration keepalive,
    Duration timeout,
    boolean useExternalAddr) {

  /** Nothing set: SSH on its default port. */
  public static final ConnectorOptions DEFAULT =
      new ConnectorOptions(
          "", "", Protocol.SSH, 0, "", null, null, false, Duration.ZERO, Duration.ZERO, false);

  public ConnectorOptions {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(keepalive, "keepalive");
    Objects.requireNonNull(timeout, "timeout");
    if (protocolPort < 0 || protocolPort > 65_535) {
      throw new IllegalArgumentException("protocol_port must be in 0..65535, got " + protocolPort);
    }
  }

  /**
   * The plugin SPI's form, with the private key read from {@link #keyPath}.
   *
   * @throws UncheckedIOException naming the key file when it cannot be read
   */
  public ConnectorConfig toConnectorConfig() {
    String key = null;
    if (keyPath != null) {
      try {
        key = Files.readString(keyPath);
      } catch (IOException e) {
        throw new UncheckedIOException("connector_config.key_path: cannot read " + keyPath, e);
      }
    }
    return new ConnectorConfig(
        os,
        arch,
        protocol,
        protocolPort,
        username,
        password,
        key,
        useStaticCredentials,
        keepalive,
        timeout);
  }

  @Override
  public String toString() {
    return "ConnectorOptions[os="
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
        + ", keyPath="
        + keyPath
        + ", useStaticCredentials="
        + useStaticCredentials
        + ", keepalive="
        + keepalive
        + ", timeout="
        + timeout
        + ", useExternalAddr="
        + useExternalAddr
        + "]";
  }
}
