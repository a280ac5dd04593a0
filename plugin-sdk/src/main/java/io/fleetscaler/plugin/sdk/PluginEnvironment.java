package io.fleetscaler.plugin.sdk;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * What a plugin reads from its environment at start, as go-plugin defines it.
 *
 * @param protocolVersion the app protocol version both ends speak
 * @param minPort lowest TCP port to listen on when Unix sockets are unavailable
 * @param maxPort highest such port
 * @param clientCertPem the host's certificate for AutoMTLS, or null when the host asks for none
 * @param socketDir where to create the Unix socket
 * @param tcpOnly listen on TCP even where Unix sockets work ({@value #NETWORK_KEY}{@code =tcp}),
 *     for hosts that cannot reach the plugin's file system
 * @param hostPid the host's process id ({@value #HOST_PID_KEY}, set by our host), so that a plugin
 *     whose host died while it was starting still notices; empty from other hosts
 */
record PluginEnvironment(
    int protocolVersion,
    int minPort,
    int maxPort,
    @Nullable String clientCertPem,
    Path socketDir,
    boolean tcpOnly,
    OptionalLong hostPid) {

  /** Our own variable carrying the host's process id. */
  static final String HOST_PID_KEY = "FLEETSCALER_PLUGIN_HOST_PID";

  /** Our own variable choosing the network: {@code unix} (the default) or {@code tcp}. */
  static final String NETWORK_KEY = "FLEETSCALER_PLUGIN_NETWORK";

  /** The only app protocol version this SDK speaks. */
  static final int PROTOCOL_VERSION = 1;

  @Override
  public String toString() {
    return "PluginEnvironment[protocolVersion="
        + protocolVersion
        + ", ports="
        + minPort
        + "-"
        + maxPort
        + ", autoMtls="
        + (clientCertPem != null)
        + ", socketDir="
        + socketDir
        + ", tcpOnly="
        + tcpOnly
        + "]";
  }

  /**
   * Reads and checks the environment.
   *
   * @throws IllegalArgumentException with a message for the operator when the cookie is missing or
   *     wrong, a port is malformed, or no offered protocol version is spoken here
   */
  static PluginEnvironment read(Map<String, String> env, Path defaultSocketDir) {
    String cookie = env.get(PluginServer.MAGIC_COOKIE_KEY);
    if (!PluginServer.MAGIC_COOKIE_VALUE.equals(cookie)) {
      throw new IllegalArgumentException(
          "This binary is a Fleetscaler plugin and is not meant to be run directly. Run it from a"
              + " Fleetscaler host (or any go-plugin host that sets "
              + PluginServer.MAGIC_COOKIE_KEY
              + "); "
              + (cookie == null ? "the magic cookie is missing." : "the magic cookie is wrong."));
    }
    int minPort = port(env, "PLUGIN_MIN_PORT", 10_000);
    int maxPort = port(env, "PLUGIN_MAX_PORT", 25_000);
    if (minPort > maxPort) {
      throw new IllegalArgumentException(
          "PLUGIN_MIN_PORT " + minPort + " is above PLUGIN_MAX_PORT " + maxPort);
    }
    String versions = env.get("PLUGIN_PROTOCOL_VERSIONS");
    if (versions != null && !versions.isBlank()) {
      boolean spoken =
          Arrays.stream(versions.split(",")).map(String::strip).anyMatch(v -> v.equals("1"));
      if (!spoken) {
        throw new UnspokenVersion(
            "the host speaks plugin protocol versions ["
                + versions
                + "], this plugin speaks "
                + PROTOCOL_VERSION);
      }
    }
    String network = env.getOrDefault(NETWORK_KEY, "unix").strip();
    if (!network.equals("unix") && !network.equals("tcp")) {
      throw new IllegalArgumentException(
          NETWORK_KEY + " must be unix or tcp, was '" + network + "'");
    }
    String cert = env.get("PLUGIN_CLIENT_CERT");
    String dir = env.get("PLUGIN_UNIX_SOCKET_DIR");
    return new PluginEnvironment(
        PROTOCOL_VERSION,
        minPort,
        maxPort,
        cert == null || cert.isBlank() ? null : cert,
        dir == null || dir.isBlank() ? defaultSocketDir : Path.of(dir),
        network.equals("tcp"),
        hostPid(env.get(HOST_PID_KEY)));
  }

  /** The host offered no app protocol version this plugin speaks. */
  static final class UnspokenVersion extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnspokenVersion(String message) {
      super(message);
    }
  }

  /**
   * Whether a go-plugin host (ours or another) launched the process: every host sets {@code
   * PLUGIN_PROTOCOL_VERSIONS} and the port range; a person running the executable by hand does not.
   */
  static boolean launchedByHost(Map<String, String> env) {
    return env.containsKey("PLUGIN_PROTOCOL_VERSIONS")
        || env.containsKey("PLUGIN_MIN_PORT")
        || env.containsKey("PLUGIN_MAX_PORT");
  }

  private static OptionalLong hostPid(@Nullable String value) {
    if (value == null || value.isBlank()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(value.strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(HOST_PID_KEY + " is not a process id: '" + value + "'", e);
    }
  }

  private static int port(Map<String, String> env, String key, int fallback) {
    String value = env.get(key);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int port = Integer.parseInt(value.strip());
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException(key + " out of range: " + value);
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " is not a port number: '" + value + "'", e);
    }
  }
}
