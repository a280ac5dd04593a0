package io.fleetscaler.plugin.gcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetscaler.plugin.api.ProviderException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the Google Cloud plugin's {@code plugin_config} JSON. Every problem is collected and
 * reported in one {@link ProviderException.InvalidConfig}, each naming its key, so an operator
 * fixes them all in one pass. The keys are GitLab's googlecloud plugin's ({@code name}, {@code
 * project}, {@code zone}, {@code credentials_file}) plus {@code region} for regional groups, {@code
 * suspend_mode} and {@code endpoint}.
 */
final class GcpConfigReader {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  static final Set<String> KEYS =
      Set.of("name", "project", "zone", "region", "credentials_file", "endpoint", "suspend_mode");

  // Compute resource names (RFC 1035): a lower-case letter, then letters, digits or dashes.
  private static final Pattern RESOURCE_NAME = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
  // Project ids: 6 to 30 characters; "domain.com:project" for legacy domain-scoped projects.
  private static final Pattern PROJECT =
      Pattern.compile("([a-z0-9.-]+:)?[a-z][-a-z0-9]{4,28}[a-z0-9]");
  private static final Pattern ZONE = Pattern.compile("[a-z]+(-[a-z0-9]+)+[0-9]-[a-z]");
  private static final Pattern REGION = Pattern.compile("[a-z]+(-[a-z0-9]+)+[0-9]");

  private GcpConfigReader() {}

  static GcpConfig read(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json.isBlank() ? "{}" : json);
    } catch (JsonProcessingException e) {
      throw new ProviderException.InvalidConfig(
          "gcp plugin config is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      root = MAPPER.createObjectNode();
    }
    if (!root.isObject()) {
      throw new ProviderException.InvalidConfig(
          "gcp plugin config must be a JSON object, was " + root.getNodeType());
    }
    List<String> errors = new ArrayList<>();
    for (Map.Entry<String, JsonNode> property : root.properties()) {
      if (!KEYS.contains(property.getKey())) {
        errors.add(property.getKey() + ": unknown key (known: " + new TreeSet<>(KEYS) + ")");
      }
    }
    @Nullable String name =
        matching(root, "name", RESOURCE_NAME, "a managed instance group name", errors);
    if (name == null && !root.has("name")) {
      errors.add("name: required (the managed instance group's name)");
    }
    @Nullable String project = matching(root, "project", PROJECT, "a project id", errors);
    if (project == null && !root.has("project")) {
      errors.add("project: required (the project id that holds the group)");
    }
    GcpConfig.@Nullable Location location = location(root, errors);
    @Nullable Path credentialsFile = file(root, "credentials_file", errors);
    @Nullable URI endpoint = endpoint(root, errors);
    GcpConfig.SuspendMode suspendMode = suspendMode(root, errors);
    if (!errors.isEmpty()) {
      throw new ProviderException.InvalidConfig("gcp plugin config: " + String.join("; ", errors));
    }
    return new GcpConfig(
        Objects.requireNonNull(name),
        Objects.requireNonNull(project),
        Objects.requireNonNull(location),
        credentialsFile,
        endpoint,
        suspendMode);
  }

  private static GcpConfig.@Nullable Location location(JsonNode root, List<String> errors) {
    @Nullable String zone = matching(root, "zone", ZONE, "a zone such as europe-west1-c", errors);
    @Nullable String region =
        matching(root, "region", REGION, "a region such as europe-west1", errors);
    if (root.has("zone") && root.has("region")) {
      errors.add(
          "zone, region: set one, not both (zone for a zonal group, region for a regional one)");
      return null;
    }
    if (!root.has("zone") && !root.has("region")) {
      errors.add("zone: required, or region for a regional managed instance group");
      return null;
    }
    if (zone != null) {
      return new GcpConfig.Location(false, zone);
    }
    return region == null ? null : new GcpConfig.Location(true, region);
  }

  private static GcpConfig.SuspendMode suspendMode(JsonNode root, List<String> errors) {
    @Nullable String value = text(root, "suspend_mode", errors);
    if (value == null) {
      return GcpConfig.SuspendMode.SUSPEND;
    }
    for (GcpConfig.SuspendMode mode : GcpConfig.SuspendMode.values()) {
      if (mode.key().equals(value)) {
        return mode;
      }
    }
    errors.add("suspend_mode: '" + value + "' is not one of suspend, stop");
    return GcpConfig.SuspendMode.SUSPEND;
  }

  private static @Nullable String matching(
      JsonNode root, String key, Pattern pattern, String what, List<String> errors) {
    @Nullable String value = text(root, key, errors);
    if (value != null && !pattern.matcher(value).matches()) {
      errors.add(key + ": '" + printable(value) + "' is not " + what);
      return null;
    }
    return value;
  }

  private static @Nullable String text(JsonNode root, String key, List<String> errors) {
    JsonNode node = root.get(key);
    if (node == null) {
      return null;
    }
    if (!node.isTextual()) {
      errors.add(key + ": must be a string, was " + node.getNodeType());
      return null;
    }
    if (node.asText().isBlank()) {
      errors.add(key + ": must not be empty");
      return null;
    }
    return node.asText();
  }

  private static @Nullable Path file(JsonNode root, String key, List<String> errors) {
    @Nullable String value = text(root, key, errors);
    if (value == null) {
      return null;
    }
    Path path;
    try {
      path = Path.of(value);
    } catch (InvalidPathException e) {
      errors.add(key + ": not a file path: " + e.getMessage());
      return null;
    }
    if (!Files.isReadable(path)) {
      errors.add(key + ": cannot read " + path);
      return null;
    }
    return path;
  }

  private static @Nullable URI endpoint(JsonNode root, List<String> errors) {
    @Nullable String value = text(root, "endpoint", errors);
    if (value == null) {
      return null;
    }
    try {
      URI uri = new URI(value);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null
          || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
        errors.add(
            "endpoint: '"
                + printable(value)
                + "' must be an absolute http or https URL without a path");
        return null;
      }
      return uri;
    } catch (URISyntaxException e) {
      errors.add("endpoint: '" + printable(value) + "' is not a URL: " + e.getReason());
      return null;
    }
  }

  /** At most 100 characters of {@code value}, control characters escaped, for messages. */
  private static String printable(String value) {
    String cut = value.length() > 100 ? value.substring(0, 100) + "..." : value;
    StringBuilder out = new StringBuilder(cut.length());
    cut.codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
