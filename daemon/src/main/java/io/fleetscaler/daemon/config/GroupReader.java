package io.fleetscaler.daemon.config;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.slots.SlotLimits;
import io.fleetscaler.plugin.api.Protocol;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Reads the {@code [runners.autoscaler]} keys of one group, with gitlab-runner's defaults. */
final class GroupReader {

  /** Histogram bucket keys gitlab-runner accepts; our histograms have fixed buckets. */
  private static final Set<String> BUCKET_KEYS =
      Set.of(
          "instance_operation_time_buckets",
          "instance_creation_time_buckets",
          "instance_is_running_time_buckets",
          "instance_deletion_time_buckets",
          "instance_readiness_time_buckets",
          "instance_life_duration_buckets");

  private final PluginResolver plugins;
  private final Path configDir;
  private final Problems problems;

  GroupReader(PluginResolver plugins, Path configDir, Problems problems) {
    this.plugins = plugins;
    this.configDir = configDir;
    this.problems = problems;
  }

  /** The group, or null when any of its keys is in error (each reported). */
  @Nullable GroupConfig read(String name, TableReader t) {
    int before = problems.errorCount();
    PluginRef plugin = plugin(t);
    TableReader pluginConfig = t.table("plugin_config");
    String json = pluginConfig == null ? "{}" : pluginConfig.json();
    int capacity = t.integer("capacity_per_instance", 1, 1, SlotLimits.MAX_CAPACITY_PER_INSTANCE);
    int maxUse = t.integer("max_use_count", 0, 0, SlotLimits.MAX_USE_COUNT);
    int maxInstances = maxInstances(t);
    boolean deleteOnShutdown = t.bool("delete_instances_on_shutdown", false);
    String readyCommand = t.string("instance_ready_command", "");
    Duration acquireTimeout =
        t.duration("instance_acquire_timeout", GroupConfig.DEFAULT_INSTANCE_ACQUIRE_TIMEOUT, true);
    Duration update = t.duration("update_interval", GroupConfig.DEFAULT_UPDATE_INTERVAL, true);
    Duration expecting =
        t.duration(
            "update_interval_when_expecting",
            GroupConfig.DEFAULT_UPDATE_INTERVAL_WHEN_EXPECTING,
            true);
    Duration deletionRetry =
        t.duration("deletion_retry_interval", GroupConfig.DEFAULT_DELETION_RETRY_INTERVAL, true);
    Duration shutdownInterval =
        t.duration(
            "shutdown_deletion_interval", GroupConfig.DEFAULT_SHUTDOWN_DELETION_INTERVAL, true);
    int shutdownRetries =
        t.integer(
            "shutdown_deletion_retries", GroupConfig.DEFAULT_SHUTDOWN_DELETION_RETRIES, 0, 1_000);
    int failureThreshold =
        t.integer("failure_threshold", GroupConfig.DEFAULT_FAILURE_THRESHOLD, 1, 1_000);
    boolean logInternal = t.bool("log_internal_ip", false);
    boolean logExternal = t.bool("log_external_ip", false);
    boolean throttling = t.bool("reservation_throttling", true);
    ScaleThrottle throttle = scaleThrottle(t.table("scale_throttle"));
    Duration readinessAge =
        t.duration(
            "readiness_max_update_age", GroupConfig.defaultReadinessMaxUpdateAge(update), true);
    ConnectorOptions connector = connector(t.table("connector_config"));
    StateStorage storage = stateStorage(t.table("state_storage"));
    List<Policy> policies = new ArrayList<>();
    for (TableReader p : t.tables("policy")) {
      Policy policy = PolicyReader.read(p);
      if (policy != null) {
        policies.add(policy);
      }
    }
    for (String key : BUCKET_KEYS) {
      if (t.raw(key) != null) {
        t.warn(key, "ignored: fleetscaler's histograms have fixed buckets");
      }
    }
    if (t.raw("vm_isolation") != null) {
      t.error("vm_isolation", "not supported: fleetscaler has no macOS nesting support");
    }
    t.finish();
    if (plugin == null || problems.errorCount() != before) {
      return null;
    }
    return new GroupConfig(
        name,
        plugin,
        json,
        capacity,
        maxUse,
        maxInstances,
        deleteOnShutdown,
        readyCommand,
        acquireTimeout,
        update,
        expecting,
        deletionRetry,
        shutdownInterval,
        shutdownRetries,
        failureThreshold,
        logInternal,
        logExternal,
        throttling,
        throttle,
        connector,
        storage,
        policies,
        readinessAge);
  }

  private @Nullable PluginRef plugin(TableReader t) {
    if (!t.has("plugin")) {
      t.accept("plugin");
      t.errorOnTable("plugin: required (a built-in name, a plugin name or an executable path)");
      return null;
    }
    String value = t.string("plugin", "");
    try {
      return plugins.resolve(value);
    } catch (IllegalArgumentException e) {
      t.error("plugin", String.valueOf(e.getMessage()));
      return null;
    }
  }

  /**
   * gitlab-runner reads 0 as unlimited; our allocator sizes its tables for the maximum, so an
   * unlimited fleet would reserve tables for {@link SlotLimits#MAX_INSTANCES} instances per group.
   */
  private static int maxInstances(TableReader t) {
    if (!t.has("max_instances")) {
      t.accept("max_instances");
      t.errorOnTable(
          "max_instances: required: the most instances the group may have, 1.."
              + SlotLimits.MAX_INSTANCES);
      return 1;
    }
    Object v = t.raw("max_instances");
    if (v instanceof Long n && n == 0) {
      t.error(
          "max_instances",
          "0 (unlimited) is not supported: set the most instances the group may have, 1.."
              + SlotLimits.MAX_INSTANCES);
      return 1;
    }
    return t.integer("max_instances", 1, 1, SlotLimits.MAX_INSTANCES);
  }

  private static ScaleThrottle scaleThrottle(@Nullable TableReader t) {
    if (t == null) {
      return ScaleThrottle.DEFAULT;
    }
    double limit = t.number("limit", 0);
    if (!(limit == -1 || limit >= 0) || Double.isInfinite(limit)) {
      t.error("limit", "must be -1 (unlimited), 0 (100 per second) or more, got " + limit);
      limit = 0;
    }
    int burst = t.integer("burst", 0, 0, Integer.MAX_VALUE);
    t.finish();
    return new ScaleThrottle(limit, burst);
  }

  private ConnectorOptions connector(@Nullable TableReader t) {
    if (t == null) {
      return ConnectorOptions.DEFAULT;
    }
    String os = t.string("os", "");
    String arch = t.string("arch", "");
    Protocol protocol = Protocol.SSH;
    String protocolName = t.string("protocol", "ssh");
    try {
      protocol = Protocol.fromWireName(protocolName);
    } catch (IllegalArgumentException e) {
      t.error("protocol", "expected ssh, winrm or winrm+https, got \"" + protocolName + "\"");
    }
    int port = t.integer("protocol_port", 0, 0, 65_535);
    String username = t.string("username", "");
    String password = t.optionalString("password");
    String keyPath = t.optionalString("key_path");
    boolean staticCredentials = t.bool("use_static_credentials", false);
    Duration keepalive = t.duration("keepalive", Duration.ZERO, false);
    Duration timeout = t.duration("timeout", Duration.ZERO, false);
    boolean external = t.bool("use_external_addr", false);
    t.finish();
    return new ConnectorOptions(
        os,
        arch,
        protocol,
        port,
        username,
        password,
        keyPath == null || keyPath.isEmpty() ? null : under(t, "key_path", keyPath),
        staticCredentials,
        keepalive,
        timeout,
        external);
  }

  private StateStorage stateStorage(@Nullable TableReader t) {
    if (t == null) {
      return new StateStorage(false, configDir.resolve(StateStorage.DEFAULT_DIR), false);
    }
    boolean enabled = t.bool("enabled", false);
    String dir = t.string("dir", StateStorage.DEFAULT_DIR);
    boolean keep = t.bool("keep_instance_with_acquisitions", false);
    Path named = under(t, "dir", dir.isEmpty() ? StateStorage.DEFAULT_DIR : dir);
    Path resolved = named == null ? configDir.resolve(StateStorage.DEFAULT_DIR) : named.normalize();
    if (enabled && named != null) {
      String problem = StateDirCheck.problem(resolved);
      if (problem != null) {
        t.error(t.has("dir") ? "dir" : "enabled", problem);
      }
    }
    t.finish();
    return new StateStorage(enabled, resolved, keep);
  }

  /** {@code value} under the configuration's directory; null, with an error, if it is no path. */
  private @Nullable Path under(TableReader t, String key, String value) {
    try {
      return configDir.resolve(value);
    } catch (InvalidPathException e) {
      t.error(key, "not a valid path: " + e.getReason());
      return null;
    }
  }
}
