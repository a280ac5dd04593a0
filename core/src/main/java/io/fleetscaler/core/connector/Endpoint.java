package io.fleetscaler.core.connector;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.Protocol;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Where and as whom to log in to one instance: the plugin's connect info merged with the operator's
 * settings. Secrets never appear in {@link #toString()}.
 *
 * <p>Merge rules: the plugin's connect info is authoritative, since it already started from the
 * operator's {@code connector_config} (plugins receive it at init) and applied {@code
 * use_static_credentials} there (static credentials, or ones the plugin minted); the operator's
 * values only fill what the plugin left empty: the username, and the password or key as a pair when
 * the plugin gave neither. The port is the one written in the address, else the plugin's {@code
 * protocol_port}, else the operator's, else the protocol's default. Timeout and keep-alive are the
 * operator's when set, else the plugin's.
 */
record Endpoint(
    String instanceId,
    Protocol protocol,
    String host,
    int port,
    String username,
    @Nullable String password,
    @Nullable String privateKey,
    Duration timeout,
    Duration keepalive) {

  /** Used when neither the operator nor the plugin sets a connect timeout. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  static Endpoint of(ConnectInfo info, ConnectorSettings settings) {
    ConnectorConfig op = settings.config();
    ConnectorConfig plugin = info.connector();
    String address = info.dialAddress(settings.useExternalAddr());
    if (address.isEmpty()) {
      throw new ConnectorException("instance " + info.id() + " has no address in its connect info");
    }
    ConnectorConfig first = plugin;
    ConnectorConfig second = op;
    String username = first.username().isEmpty() ? second.username() : first.username();
    String password;
    String key;
    if (first.password() != null || first.privateKey() != null) {
      password = first.password();
      key = first.privateKey();
    } else {
      password = second.password();
      key = second.privateKey();
    }
    int defaultPort =
        plugin.protocolPort() != 0
            ? plugin.protocolPort()
            : op.protocolPort() != 0 ? op.protocolPort() : plugin.protocol().defaultPort();
    HostPort hp = HostPort.parse(address, defaultPort, info.id());
    Duration timeout =
        positive(op.timeout())
            ? op.timeout()
            : positive(plugin.timeout()) ? plugin.timeout() : DEFAULT_TIMEOUT;
    Duration keepalive = positive(op.keepalive()) ? op.keepalive() : plugin.keepalive();
    return new Endpoint(
        info.id(),
        plugin.protocol(),
        hp.host(),
        hp.port(),
        username,
        password,
        key,
        timeout,
        keepalive);
  }

  private static boolean positive(Duration d) {
    return !d.isNegative() && !d.isZero();
  }

  /** {@code host:port} for messages. */
  String address() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }

  @Override
  public String toString() {
    return "Endpoint["
        + instanceId
        + " "
        + protocol.wireName()
        + "://"
        + username
        + "@"
        + address()
        + ", password="
        + (password == null ? "unset" : "<redacted>")
        + ", privateKey="
        + (privateKey == null ? "unset" : "<redacted>")
        + ", timeout="
        + timeout
        + ", keepalive="
        + keepalive
        + "]";
  }

  /** A parsed {@code host}, {@code host:port}, {@code [v6]:port} or bare IPv6 address. */
  record HostPort(String host, int port) {
    static HostPort parse(String address, int defaultPort, String instanceId) {
      String host = address;
      String port = null;
      if (address.startsWith("[")) {
        int close = address.indexOf(']');
        if (close < 0) {
          throw bad(address, instanceId);
        }
        host = address.substring(1, close);
        if (close + 1 < address.length()) {
          if (address.charAt(close + 1) != ':') {
            throw bad(address, instanceId);
          }
          port = address.substring(close + 2);
        }
      } else {
        int colon = address.indexOf(':');
        if (colon >= 0 && colon == address.lastIndexOf(':')) {
          host = address.substring(0, colon);
          port = address.substring(colon + 1);
        }
      }
      if (host.isEmpty()) {
        throw bad(address, instanceId);
      }
      if (port == null) {
        return new HostPort(host, defaultPort);
      }
      try {
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65_535) {
          throw bad(address, instanceId);
        }
        return new HostPort(host, p);
      } catch (NumberFormatException e) {
        throw bad(address, instanceId);
      }
    }

    private static ConnectorException bad(String address, String instanceId) {
      return new ConnectorException(
          "instance " + instanceId + " has an unusable address '" + address + "'");
    }
  }
}
