package io.fleetscaler.plugin.simulated;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetscaler.plugin.api.GoDuration;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.simulated.SimulatedOptions.Latency;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and writes the simulated provider's {@code plugin_config} JSON. Every problem is collected
 * and reported in one {@link ProviderException.InvalidConfig}, each naming its key, so an operator
 * fixes them all in one pass.
 */
final class SimulatedConfigReader {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final Set<String> KEYS =
      Set.of(
          "name",
          "max_size",
          "capacity_limit",
          "create_latency",
          "create_latency_jitter",
          "delete_latency",
          "delete_latency_jitter",
          "boot_failure_probability",
          "loss_rate_per_hour",
          "seed",
          "suspend_resume",
          "suspend_latency",
          "suspend_latency_jitter",
          "resume_latency",
          "resume_latency_jitter");

  private SimulatedConfigReader() {}

  static SimulatedOptions read(String json) {
    JsonNode root = object(json);
    List<String> errors = new ArrayList<>();
    unknownKeys(root, errors);
    Fields f = new Fields(root, errors);
    SimulatedOptions d = SimulatedOptions.defaults();
    String name = f.string("name", d.name());
    int maxSize = f.integer("max_size", d.maxSize(), 1);
    int capacityLimit = f.integer("capacity_limit", d.capacityLimit(), 0);
    Duration createBase = f.duration("create_latency", d.createLatency().base());
    Duration createJitter = f.duration("create_latency_jitter", d.createLatency().jitter());
    Duration deleteBase = f.duration("delete_latency", d.deleteLatency().base());
    Duration deleteJitter = f.duration("delete_latency_jitter", d.deleteLatency().jitter());
    double bootFailure = f.number("boot_failure_probability", d.bootFailureProbability(), 0, 1);
    double lossRate = f.number("loss_rate_per_hour", d.lossRatePerHour(), 0, Double.MAX_VALUE);
    long seed = f.longInteger("seed", d.seed());
    boolean suspendResume = f.bool("suspend_resume", d.suspendResume());
    Duration suspendBase = f.duration("suspend_latency", d.suspendLatency().base());
    Duration suspendJitter = f.duration("suspend_latency_jitter", d.suspendLatency().jitter());
    Duration resumeBase = f.duration("resume_latency", d.resumeLatency().base());
    Duration resumeJitter = f.duration("resume_latency_jitter", d.resumeLatency().jitter());
    if (name.isEmpty()) {
      errors.add("name: must not be empty");
    }
    if (!errors.isEmpty()) {
      throw new ProviderException.InvalidConfig(
          "invalid simulated plugin config: " + String.join("; ", errors));
    }
    return new SimulatedOptions(
        name,
        maxSize,
        capacityLimit,
        new Latency(createBase, createJitter),
        new Latency(deleteBase, deleteJitter),
        bootFailure,
        lossRate,
        seed,
        suspendResume,
        new Latency(suspendBase, suspendJitter),
        new Latency(resumeBase, resumeJitter));
  }

  /** The config's JSON, which must be an object; blank or {@code null} is an empty one. */
  private static JsonNode object(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json.isBlank() ? "{}" : json);
    } catch (JsonProcessingException e) {
      throw new ProviderException.InvalidConfig(
          "simulated plugin config is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      root = MAPPER.createObjectNode();
    }
    if (!root.isObject()) {
      throw new ProviderException.InvalidConfig(
          "simulated plugin config must be a JSON object, was " + root.getNodeType());
    }
    return root;
  }

  /** One error per key this plugin does not know, in name order, each listing the known ones. */
  private static void unknownKeys(JsonNode root, List<String> errors) {
    Set<String> unknown = new TreeSet<>();
    for (Map.Entry<String, JsonNode> property : root.properties()) {
      String key = property.getKey();
      if (!KEYS.contains(key)) {
        unknown.add(key);
      }
    }
    for (String key : unknown) {
      errors.add(key + ": unknown key (known: " + new TreeSet<>(KEYS) + ")");
    }
  }

  static String write(SimulatedOptions o) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("name", o.name());
    node.put("max_size", o.maxSize());
    if (o.capacityLimit() != SimulatedOptions.UNLIMITED) {
      node.put("capacity_limit", o.capacityLimit());
    }
    node.put("create_latency", GoDuration.format(o.createLatency().base()));
    node.put("create_latency_jitter", GoDuration.format(o.createLatency().jitter()));
    node.put("delete_latency", GoDuration.format(o.deleteLatency().base()));
    node.put("delete_latency_jitter", GoDuration.format(o.deleteLatency().jitter()));
    node.put("boot_failure_probability", o.bootFailureProbability());
    node.put("loss_rate_per_hour", o.lossRatePerHour());
    node.put("seed", o.seed());
    node.put("suspend_resume", o.suspendResume());
    node.put("suspend_latency", GoDuration.format(o.suspendLatency().base()));
    node.put("suspend_latency_jitter", GoDuration.format(o.suspendLatency().jitter()));
    node.put("resume_latency", GoDuration.format(o.resumeLatency().base()));
    node.put("resume_latency_jitter", GoDuration.format(o.resumeLatency().jitter()));
    return node.toString();
  }

  /** Typed reads of optional fields; each failed read records an error and returns the default. */
  private record Fields(JsonNode root, List<String> errors) {

    String string(String key, String fallback) {
      JsonNode n = root.get(key);
      if (n == null) {
        return fallback;
      }
      if (!n.isTextual()) {
        errors.add(key + ": must be a string, was " + n);
        return fallback;
      }
      return n.asText();
    }

    int integer(String key, int fallback, int min) {
      JsonNode n = root.get(key);
      if (n == null) {
        return fallback;
      }
      if (!n.isIntegralNumber() || !n.canConvertToInt()) {
        errors.add(key + ": must be an integer, was " + n);
        return fallback;
      }
      if (n.intValue() < min) {
        errors.add(key + ": must be >= " + min + ", was " + n.intValue());
        return fallback;
      }
      return n.intValue();
    }

    long longInteger(String key, long fallback) {
      JsonNode n = root.get(key);
      if (n == null) {
        return fallback;
      }
      if (!n.isIntegralNumber() || !n.canConvertToLong()) {
        errors.add(key + ": must be an integer, was " + n);
        return fallback;
      }
      return n.longValue();
    }

    double number(String key, double fallback, double min, double max) {
      JsonNode n = root.get(key);
      if (n == null) {
        return fallback;
      }
      if (!n.isNumber()) {
        errors.add(key + ": must be a number, was " + n);
        return fallback;
      }
      double v = n.doubleValue();
      if (!(v >= min && v <= max)) {
        errors.add(key + ": must be between " + min + " and " + max + ", was " + n);
        return fallback;
      }
      return v;
    }

    boolean bool(String key, boolean fallback) {
      JsonNode n = root.get(key);
      if (n == null) {
        return fallback;
      }
      if (!n.isBoolean()) {
        errors.add(key + ": must be true or false, was " + n);
        return fallback;
      }
      return n.booleanValue();
    }

    Duration duration(String key, Duration fallback) {
      JsonNode n = root.get(key);
      if (n == null) {
        return fallback;
      }
      if (!n.isTextual()) {
        errors.add(key + ": must be a duration string such as \"30s\", was " + n);
        return fallback;
      }
      try {
        return GoDuration.parse(n.asText());
      } catch (IllegalArgumentException | ArithmeticException e) {
        errors.add(key + ": " + e.getMessage());
        return fallback;
      }
    }
  }
}
