package io.fleetscaler.plugin.azure;

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
 * Reads the Azure plugin's {@code plugin_config} JSON. Every problem is collected and reported in
 * one {@link ProviderException.InvalidConfig}, each naming its key. The value of {@code
 * client_secret} is never echoed.
 */
final class AzureConfigReader {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  static final Set<String> KEYS =
      Set.of(
          "name",
          "subscription_id",
          "resource_group_name",
          "tenant_id",
          "client_id",
          "client_secret",
          "federated_token_file",
          "authority_host",
          "endpoint");

  // Scale set names: 1 to 64 characters (Flexible and Linux allow 64), letters, digits, '-', '_'
  // and '.', not ending in '.' or '-'.
  private static final Pattern SCALE_SET =
      Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}[A-Za-z0-9_]|[A-Za-z0-9_]");
  private static final Pattern GUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  // Resource group names: 1 to 90 characters, letters, digits, '-', '_', '.', '(' and ')', not
  // ending in '.'.
  private static final Pattern RESOURCE_GROUP =
      Pattern.compile("[\\p{L}\\p{N}_().-]{0,89}[\\p{L}\\p{N}_()-]");
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9.-]{1,253}");

  private AzureConfigReader() {}

  static AzureConfig read(String json) {
    JsonNode root = object(json);
    List<String> errors = new ArrayList<>();
    for (Map.Entry<String, JsonNode> property : root.properties()) {
      if (!KEYS.contains(property.getKey())) {
        errors.add(
            quoted(property.getKey()) + ": unknown key (known: " + new TreeSet<>(KEYS) + ")");
      }
    }
    @Nullable String name = required(root, "name", "the scale set's name", errors);
    if (name != null && !SCALE_SET.matcher(name).matches()) {
      errors.add("name: '" + name + "' is not a scale set name (1 to 64 letters, digits, _ . -)");
    }
    @Nullable String subscription =
        required(root, "subscription_id", "the subscription's id", errors);
    if (subscription != null && !GUID.matcher(subscription).matches()) {
      errors.add("subscription_id: '" + subscription + "' is not a subscription id (a GUID)");
    }
    @Nullable String group =
        required(root, "resource_group_name", "the scale set's resource group", errors);
    if (group != null && !RESOURCE_GROUP.matcher(group).matches()) {
      errors.add("resource_group_name: '" + group + "' is not a resource group name");
    }
    @Nullable String tenant = text(root, "tenant_id", errors);
    if (tenant != null && !TENANT.matcher(tenant).matches()) {
      errors.add("tenant_id: '" + tenant + "' is not a tenant id or domain");
    }
    @Nullable String clientId = text(root, "client_id", errors);
    if (clientId != null && !GUID.matcher(clientId).matches()) {
      errors.add("client_id: '" + clientId + "' is not a client id (a GUID)");
    }
    @Nullable String secret = text(root, "client_secret", errors);
    @Nullable Path tokenFile = file(root, "federated_token_file", errors);
    credentials(secret, tokenFile, tenant, clientId, errors);
    @Nullable URI authority = url(root, "authority_host", true, errors);
    @Nullable URI endpoint = url(root, "endpoint", true, errors);
    if (!errors.isEmpty()) {
      throw new ProviderException.InvalidConfig(
          "azure plugin config: " + String.join("; ", errors));
    }
    return new AzureConfig(
        Objects.requireNonNull(name),
        Objects.requireNonNull(subscription),
        Objects.requireNonNull(group),
        tenant,
        clientId,
        secret,
        tokenFile,
        authority,
        endpoint);
  }

  /** The config's JSON, which must be an object; blank or {@code null} is an empty one. */
  private static JsonNode object(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json.isBlank() ? "{}" : json);
    } catch (JsonProcessingException e) {
      throw new ProviderException.InvalidConfig(
          "azure plugin config is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      root = MAPPER.createObjectNode();
    }
    if (!root.isObject()) {
      throw new ProviderException.InvalidConfig(
          "azure plugin config must be a JSON object, was " + root.getNodeType());
    }
    return root;
  }

  /**
   * A secret and a federated token file exclude each other, and either needs the tenant and the
   * client it signs in as.
   */
  private static void credentials(
      @Nullable String secret,
      @Nullable Path tokenFile,
      @Nullable String tenant,
      @Nullable String clientId,
      List<String> errors) {
    if (secret != null && tokenFile != null) {
      errors.add("client_secret: set either client_secret or federated_token_file, not both");
    }
    if ((secret != null || tokenFile != null) && (tenant == null || clientId == null)) {
      String which = secret != null ? "client_secret" : "federated_token_file";
      if (tenant == null) {
        errors.add("tenant_id: required with " + which);
      }
      if (clientId == null) {
        errors.add("client_id: required with " + which);
      }
    }
  }

  private static @Nullable String required(
      JsonNode root, String key, String what, List<String> errors) {
    boolean present = root.has(key) && !root.get(key).isNull();
    @Nullable String value = text(root, key, errors);
    if (!present) {
      errors.add(key + ": required (" + what + ")");
    }
    return value;
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

  // Only https: the plugin sends a bearer token to both.
  private static @Nullable URI url(
      JsonNode root, String key, boolean httpsOnly, List<String> errors) {
    @Nullable String value = text(root, key, errors);
    if (value == null) {
      return null;
    }
    try {
      URI uri = new URI(value);
      boolean https = "https".equals(uri.getScheme());
      if (!(https || (!httpsOnly && "http".equals(uri.getScheme()))) || uri.getHost() == null) {
        errors.add(
            key
                + ": '"
                + value
                + "' must be an absolute "
                + (httpsOnly ? "https" : "https (or http)")
                + " URL");
        return null;
      }
      return uri;
    } catch (URISyntaxException e) {
      errors.add(key + ": '" + value + "' is not a URL: " + e.getReason());
      return null;
    }
  }

  /** An unknown key, shortened and without control characters, as operators typed it. */
  private static String quoted(String key) {
    String shown = key.length() > 64 ? key.substring(0, 64) + "…" : key;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }
}
