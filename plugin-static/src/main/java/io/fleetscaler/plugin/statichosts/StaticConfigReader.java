package io.fleetscaler.plugin.statichosts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetscaler.plugin.api.GoDuration;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.api.ProviderException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Reads a static group's {@code plugin_config}. Every problem is collected and reported in one
 * {@link ProviderException.InvalidConfig}, each naming the host and the key ({@code
 * instances.<name>.<key>}), so an operator fixes them all in one pass. Values of {@code password}
 * never appear in messages.
 */
final class StaticConfigReader {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final Set<String> TOP_KEYS = Set.of("instances", "probe_timeout");
  private static final Set<String> HOST_KEYS =
      Set.of(
          "external_addr",
          "internal_addr",
          "username",
          "password",
          "key_path",
          "os",
          "arch",
          "protocol");
  private static final Duration LONGEST_PROBE = Duration.ofMinutes(5);

  private StaticConfigReader() {}

  static StaticConfig read(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json.isBlank() ? "{}" : json);
    } catch (JsonProcessingException e) {
      throw new ProviderException.InvalidConfig(
          "static plugin config is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ProviderException.InvalidConfig(
          "static plugin config must be a JSON object, was "
              + (root == null ? "empty" : root.getNodeType()));
    }
    List<String> errors = new ArrayList<>();
    for (String key : unknownKeys(root, TOP_KEYS)) {
      errors.add(key + ": unknown key (known: " + new TreeSet<>(TOP_KEYS) + ")");
    }
    Duration probeTimeout = probeTimeout(root.get("probe_timeout"), errors);
    List<StaticHost> hosts = new ArrayList<>();
    JsonNode instances = root.get("instances");
    if (instances == null || !instances.isObject() || instances.isEmpty()) {
      errors.add("instances: required, an object naming at least one host");
    } else {
      Map<String, JsonNode> sorted = new TreeMap<>();
      instances.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
      sorted.forEach(
          (name, node) -> {
            StaticHost host = host(name, node, errors);
            if (host != null) {
              hosts.add(host);
            }
          });
    }
    if (!errors.isEmpty()) {
      throw new ProviderException.InvalidConfig(
          "static plugin config is invalid: " + String.join("; ", errors));
    }
    return new StaticConfig(hosts, probeTimeout);
  }

  private static Duration probeTimeout(@Nullable JsonNode node, List<String> errors) {
    if (node == null) {
      return StaticConfig.DEFAULT_PROBE_TIMEOUT;
    }
    if (!node.isTextual()) {
      errors.add("probe_timeout: expected a duration such as \"500ms\", \"5s\" or \"1m\"");
      return StaticConfig.DEFAULT_PROBE_TIMEOUT;
    }
    Duration d;
    try {
      d = GoDuration.parse(node.asText());
    } catch (IllegalArgumentException e) {
      errors.add("probe_timeout: " + e.getMessage());
      return StaticConfig.DEFAULT_PROBE_TIMEOUT;
    }
    if (d.isZero() || d.compareTo(LONGEST_PROBE) > 0) {
      errors.add("probe_timeout: must be above 0 and at most 5m, was " + node.asText());
      return StaticConfig.DEFAULT_PROBE_TIMEOUT;
    }
    return d;
  }

  private static @Nullable StaticHost host(String name, JsonNode node, List<String> errors) {
    String at = "instances." + name;
    if (name.isBlank()) {
      errors.add("instances: a host name is empty");
      return null;
    }
    if (!node.isObject()) {
      errors.add(at + ": expected an object of connection settings");
      return null;
    }
    int before = errors.size();
    for (String key : unknownKeys(node, HOST_KEYS)) {
      errors.add(at + "." + key + ": unknown key (known: " + new TreeSet<>(HOST_KEYS) + ")");
    }
    String external = text(node, at, "external_addr", errors);
    String internal = text(node, at, "internal_addr", errors);
    String username = text(node, at, "username", errors);
    String password = text(node, at, "password", errors);
    String keyText = text(node, at, "key_path", errors);
    String os = text(node, at, "os", errors);
    String arch = text(node, at, "arch", errors);
    String protocolText = text(node, at, "protocol", errors);

    Protocol protocol = null;
    if (protocolText != null) {
      try {
        protocol = Protocol.fromWireName(protocolText);
      } catch (IllegalArgumentException e) {
        errors.add(at + ".protocol: " + e.getMessage());
      }
    }
    if (password != null && keyText != null) {
      errors.add(at + ": set password or key_path, not both");
    }
    Path keyPath = keyText == null ? null : keyPath(keyText, at, errors);

    HostPort probe = probeAddress(external, internal, protocol, at, errors);
    if (errors.size() > before || probe == null) {
      return null;
    }
    return new StaticHost(
        name,
        external == null ? "" : external,
        internal == null ? "" : internal,
        probe.host(),
        probe.port(),
        username,
        password,
        keyPath,
        os,
        arch,
        protocol);
  }

  /**
   * Where the host is probed: its external address, else its internal one (whose port defaults to
   * the protocol's); null, with the errors added, when neither is given or valid.
   */
  private static @Nullable HostPort probeAddress(
      @Nullable String external,
      @Nullable String internal,
      @Nullable Protocol protocol,
      String at,
      List<String> errors) {
    HostPort probe = null;
    if (external == null && internal == null) {
      errors.add(at + ".external_addr: required (host:port) unless internal_addr is set");
    }
    if (external != null) {
      probe = hostPort(external, at + ".external_addr", true, 0, errors);
    }
    if (internal != null) {
      int defaultPort = protocol == null ? Protocol.SSH.defaultPort() : protocol.defaultPort();
      HostPort inside = hostPort(internal, at + ".internal_addr", false, defaultPort, errors);
      probe = probe == null ? inside : probe;
    }
    return probe;
  }

  private static @Nullable Path keyPath(String text, String at, List<String> errors) {
    try {
      Path path = Path.of(text);
      if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
        errors.add(at + ".key_path: not a readable file: " + text);
        return null;
      }
      return path;
    } catch (InvalidPathException e) {
      errors.add(at + ".key_path: not a path: " + text);
      return null;
    }
  }

  /** A dialable address; {@code port} is the default when the text names none. */
  private record HostPort(String host, int port) {}

  private static @Nullable HostPort hostPort(
      String text, String at, boolean portRequired, int defaultPort, List<String> errors) {
    int colon = text.lastIndexOf(':');
    // "[::1]:22" and "host:22" carry a port; a bare IPv6 literal has several colons and none.
    boolean bracketed = text.startsWith("[");
    boolean hasPort =
        colon > 0 && (bracketed ? text.charAt(colon - 1) == ']' : colon == text.indexOf(':'));
    String host = hasPort ? text.substring(0, colon) : text;
    if (bracketed && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isBlank()) {
      errors.add(at + ": no host in '" + text + "'");
      return null;
    }
    if (!hasPort) {
      if (portRequired) {
        errors.add(at + ": expected host:port, was '" + text + "'");
        return null;
      }
      return new HostPort(host, defaultPort);
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      if (port < 1 || port > 65_535) {
        errors.add(at + ": port out of range in '" + text + "'");
        return null;
      }
      return new HostPort(host, port);
    } catch (NumberFormatException e) {
      errors.add(at + ": port is not a number in '" + text + "'");
      return null;
    }
  }

  private static @Nullable String text(JsonNode node, String at, String key, List<String> errors) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      // The value itself is left out: it may be a password.
      errors.add(at + "." + key + ": expected a non-empty string");
      return null;
    }
    return value.asText();
  }

  private static Set<String> unknownKeys(JsonNode node, Set<String> known) {
    Set<String> unknown = new TreeSet<>();
    node.properties()
        .forEach(
            e -> {
              if (!known.contains(e.getKey())) {
                unknown.add(e.getKey());
              }
            });
    return unknown;
  }
}
