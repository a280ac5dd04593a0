package io.fleetscaler.plugin.aws;

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
 * Reads the AWS plugin's {@code plugin_config} JSON. Every problem is collected and reported in one
 * {@link ProviderException.InvalidConfig}, each naming its key, so an operator fixes them all in
 * one pass. Values are never echoed for keys that could hold secrets (none today).
 */
final class AwsConfigReader {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  static final Set<String> KEYS =
      Set.of(
          "name",
          "region",
          "profile",
          "config_file",
          "credentials_file",
          "endpoint",
          "suspend_mode");

  // Auto Scaling group names: 1 to 255 characters, no control characters.
  private static final Pattern GROUP_NAME = Pattern.compile("[^\\p{Cntrl}]{1,255}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z0-9]+)+-[0-9]+");

  private AwsConfigReader() {}

  static AwsConfig read(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json.isBlank() ? "{}" : json);
    } catch (JsonProcessingException e) {
      throw new ProviderException.InvalidConfig(
          "aws plugin config is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      root = MAPPER.createObjectNode();
    }
    if (!root.isObject()) {
      throw new ProviderException.InvalidConfig(
          "aws plugin config must be a JSON object, was " + root.getNodeType());
    }
    List<String> errors = new ArrayList<>();
    for (Map.Entry<String, JsonNode> property : root.properties()) {
      if (!KEYS.contains(property.getKey())) {
        errors.add(property.getKey() + ": unknown key (known: " + new TreeSet<>(KEYS) + ")");
      }
    }
    @Nullable String name = text(root, "name", errors);
    if (name == null) {
      errors.add("name: required (the Auto Scaling group's name)");
    } else if (!GROUP_NAME.matcher(name).matches()) {
      errors.add("name: must be 1 to 255 characters without control characters");
    }
    @Nullable String region = text(root, "region", errors);
    if (region != null && !REGION.matcher(region).matches()) {
      errors.add("region: '" + region + "' is not a region name such as us-east-1");
    }
    @Nullable String profile = text(root, "profile", errors);
    @Nullable Path configFile = file(root, "config_file", errors);
    @Nullable Path credentialsFile = file(root, "credentials_file", errors);
    @Nullable URI endpoint = endpoint(root, errors);
    AwsConfig.SuspendMode suspendMode = suspendMode(root, errors);
    if (!errors.isEmpty()) {
      throw new ProviderException.InvalidConfig("aws plugin config: " + String.join("; ", errors));
    }
    return new AwsConfig(
        Objects.requireNonNull(name),
        region,
        profile,
        configFile,
        credentialsFile,
        endpoint,
        suspendMode);
  }

  private static AwsConfig.SuspendMode suspendMode(JsonNode root, List<String> errors) {
    @Nullable String value = text(root, "suspend_mode", errors);
    if (value == null) {
      return AwsConfig.SuspendMode.STOP;
    }
    for (AwsConfig.SuspendMode mode : AwsConfig.SuspendMode.values()) {
      if (mode.key().equals(value)) {
        return mode;
      }
    }
    errors.add("suspend_mode: '" + value + "' is not one of stop, hibernate");
    return AwsConfig.SuspendMode.STOP;
  }

  private static @Nullable String text(JsonNode root, String key, List<String> errors) {
    JsonNode node = root.get(key);
    if (node == null || node.isNull()) {
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
          || uri.getHost() == null) {
        errors.add("endpoint: '" + value + "' must be an absolute http or https URL");
        return null;
      }
      return uri;
    } catch (URISyntaxException e) {
      errors.add("endpoint: '" + value + "' is not a URL: " + e.getReason());
      return null;
    }
  }
}
