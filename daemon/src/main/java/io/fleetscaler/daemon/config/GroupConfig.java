package io.fleetscaler.daemon.config;

import io.fleetscaler.core.connector.ConnectorSettings;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One instance group: a {@code [[group]]} entry, or a pasted gitlab-runner {@code [[runners]]}
 * block's {@code [runners.autoscaler]}. Every key has gitlab-runner's default except {@code
 * max_instances}, which must be set (see {@code docs/configuration.md}). Secrets (the plugin
 * configuration, the connector password) never appear in {@link #toString()}.
 *
 * @param name unique among the file's groups; labels logs and metrics
 * @param plugin the resolved plugin
 * @param pluginConfigJson {@code [plugin_config]} as a JSON object, passed to the plugin's init
 * @param capacityPerInstance job slots per instance (default 1)
 * @param maxUseCount jobs an instance runs before it is retired; 0 (default) for no limit
 * @param maxInstances the most instances in any state
 * @param deleteInstancesOnShutdown delete instances when the daemon stops (default false)
 * @param instanceReadyCommand run on a new instance through the connector before it takes work
 *     (default none)
 * @param instanceAcquireTimeout how long an acquisition may wait for a slot (default 15m)
 * @param updateInterval plugin poll interval while nothing is expected (default 1m)
 * @param updateIntervalWhenExpecting poll interval while a change is pending (default 2s)
 * @param deletionRetryInterval when to ask again for a deletion that showed no effect (default 1m)
 * @param shutdownDeletionInterval poll interval of deletions at shutdown (default 10s)
 * @param shutdownDeletionRetries polls of deletions at shutdown (default 3)
 * @param failureThreshold consecutive health failures before an instance is replaced (default 3)
 * @param logInternalIp log instances' internal addresses (default false)
 * @param logExternalIp log instances' external addresses (default false)
 * @param reservationThrottling cap reservations so idle instances can still be removed (default
 *     true)
 * @param scaleThrottle {@code [scale_throttle]}
 * @param connector {@code [connector_config]}
 * @param stateStorage {@code [state_storage]}
 * @param policies {@code [[policy]]} in order; the last active one applies
 * @param readinessMaxUpdateAge {@code /readyz} reports not ready when the plugin's {@code update}
 *     last succeeded longer ago than this (default the larger of 5m and 3 × {@code
 *     update_interval})
 */
public record GroupConfig(
    String name,
    PluginRef plugin,
    String pluginConfigJson,
    int capacityPerInstance,
    int maxUseCount,
    int maxInstances,
    boolean deleteInstancesOnShutdown,
    String instanceReadyCommand,
    Duration instanceAcquireTimeout,
    Duration updateInterval,
    Duration updateIntervalWhenExpecting,
    Duration deletionRetryInterval,
    Duration shutdownDeletionInterval,
    int shutdownDeletionRetries,
    int failureThreshold,
    boolean logInternalIp,
    boolean logExternalIp,
    boolean reservationThrottling,
    ScaleThrottle scaleThrottle,
    ConnectorOptions connector,
    StateStorage stateStorage,
    List<Policy> policies,
    Duration readinessMaxUpdateAge) {

  /** {@code instance_acquire_timeout} when none is given. */
  public static final Duration DEFAULT_INSTANCE_ACQUIRE_TIMEOUT = Duration.ofMinutes(15);

  /** {@code update_interval} when none is given. */
  public static final Duration DEFAULT_UPDATE_INTERVAL = Duration.ofMinutes(1);

  /** {@code update_interval_when_expecting} when none is given. */
  public static final Duration DEFAULT_UPDATE_INTERVAL_WHEN_EXPECTING = Duration.ofSeconds(2);

  /** {@code deletion_retry_interval} when none is given. */
  public static final Duration DEFAULT_DELETION_RETRY_INTERVAL = Duration.ofMinutes(1);

  /** {@code shutdown_deletion_interval} when none is given. */
  public static final Duration DEFAULT_SHUTDOWN_DELETION_INTERVAL = Duration.ofSeconds(10);

  /** {@code shutdown_deletion_retries} when none is given. */
  public static final int DEFAULT_SHUTDOWN_DELETION_RETRIES = 3;

  /**
   * {@code readiness_max_update_age} when none is given: the larger of 5 minutes and three update
   * intervals, so that neither a slow poll nor a few failed ones (backing off) flip readiness.
   */
  public static Duration defaultReadinessMaxUpdateAge(Duration updateInterval) {
    Duration three = updateInterval.multipliedBy(3);
    Duration floor = Duration.ofMinutes(5);
    return three.compareTo(floor) > 0 ? three : floor;
  }

  /** {@code failure_threshold} when none is given. */
  public static final int DEFAULT_FAILURE_THRESHOLD = 3;

  public GroupConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(plugin, "plugin");
    Objects.requireNonNull(pluginConfigJson, "pluginConfigJson");
    Objects.requireNonNull(instanceReadyCommand, "instanceReadyCommand");
    Objects.requireNonNull(instanceAcquireTimeout, "instanceAcquireTimeout");
    Objects.requireNonNull(updateInterval, "updateInterval");
    Objects.requireNonNull(updateIntervalWhenExpecting, "updateIntervalWhenExpecting");
    Objects.requireNonNull(deletionRetryInterval, "deletionRetryInterval");
    Objects.requireNonNull(shutdownDeletionInterval, "shutdownDeletionInterval");
    Objects.requireNonNull(scaleThrottle, "scaleThrottle");
    Objects.requireNonNull(connector, "connector");
    Objects.requireNonNull(stateStorage, "stateStorage");
    Objects.requireNonNull(readinessMaxUpdateAge, "readinessMaxUpdateAge");
    policies = List.copyOf(policies);
    if (name.isBlank()) {
      throw new IllegalArgumentException("group name must not be blank");
    }
  }

  /**
   * The settings the plugin's {@code Init} receives ({@code connector_config}).
   *
   * @throws java.io.UncheckedIOException if {@code connector_config.key_path} cannot be read
   */
  public Settings pluginSettings() {
    return new Settings(connector.toConnectorConfig());
  }

  /** This group with the plugin configuration {@code json} (a JSON object) instead. */
  public GroupConfig withPluginConfigJson(String json) {
    return new GroupConfig(
        name,
        plugin,
        json,
        capacityPerInstance,
        maxUseCount,
        maxInstances,
        deleteInstancesOnShutdown,
        instanceReadyCommand,
        instanceAcquireTimeout,
        updateInterval,
        updateIntervalWhenExpecting,
        deletionRetryInterval,
        shutdownDeletionInterval,
        shutdownDeletionRetries,
        failureThreshold,
        logInternalIp,
        logExternalIp,
        reservationThrottling,
        scaleThrottle,
        connector,
        stateStorage,
        policies,
        readinessMaxUpdateAge);
  }

  /**
   * Applies every setting of this group that the scaler takes, except the plugin's process itself
   * (the builder already holds the {@link io.fleetscaler.plugin.api.InstanceGroup}): the plugin's
   * settings and configuration, capacity, limits, intervals, throttle, failure threshold, shutdown
   * deletion, policies, {@code instance_ready_command} and the connector ({@code connector_config}
   * with {@code use_external_addr}). Settings the scaler has no option for yet ({@code
   * state_storage}) stay on this record for the components that use them.
   *
   * @return {@code b}
   * @throws java.io.UncheckedIOException if {@code connector_config.key_path} cannot be read
   */
  public TaskScaler.Builder applyTo(TaskScaler.Builder b) {
    ConnectorConfig connectorConfig = connector.toConnectorConfig();
    b.plugin(new Settings(connectorConfig), pluginConfigJson)
        .capacityPerInstance(capacityPerInstance)
        .maxUseCount(maxUseCount)
        .maxInstances(maxInstances)
        .updateInterval(updateInterval)
        .updateIntervalWhenExpecting(updateIntervalWhenExpecting)
        .deletionRetryInterval(deletionRetryInterval)
        .scaleThrottle(scaleThrottle.limit(), scaleThrottle.burst())
        // Heartbeats stay off (interval 0) as in gitlab-runner without its feature flag.
        .heartbeat(Duration.ZERO, failureThreshold)
        .connector(new ConnectorSettings(connectorConfig, connector.useExternalAddr()))
        .instanceReadyCommand(instanceReadyCommand)
        .deleteInstancesOnShutdown(deleteInstancesOnShutdown)
        .shutdownDeletion(shutdownDeletionInterval, shutdownDeletionRetries)
        .policies(policies);
    if (stateStorage.enabled()) {
      b.stateStorage(stateStorage.dir())
          .keepInstanceWithAcquisitions(stateStorage.keepInstanceWithAcquisitions());
    }
    return b;
  }

  /**
   * The longest a shutdown with {@code delete_instances_on_shutdown} may wait for the cloud ({@code
   * shutdown_deletion_interval × shutdown_deletion_retries}); zero without it.
   */
  public Duration shutdownDeletionWait() {
    return deleteInstancesOnShutdown
        ? shutdownDeletionInterval.multipliedBy(shutdownDeletionRetries)
        : Duration.ZERO;
  }

  /**
   * A group with every key at gitlab-runner's default except those given: what a file with only
   * these keys loads into.
   *
   * @param stateDir where {@code state_storage} would keep state ({@code .taskscaler} beside the
   *     file)
   */
  public static GroupConfig of(
      String name,
      PluginRef plugin,
      String pluginConfigJson,
      int capacityPerInstance,
      int maxInstances,
      Duration updateInterval,
      List<Policy> policies,
      Path stateDir) {
    return new GroupConfig(
        name,
        plugin,
        pluginConfigJson,
        capacityPerInstance,
        0,
        maxInstances,
        false,
        "",
        DEFAULT_INSTANCE_ACQUIRE_TIMEOUT,
        updateInterval,
        DEFAULT_UPDATE_INTERVAL_WHEN_EXPECTING,
        DEFAULT_DELETION_RETRY_INTERVAL,
        DEFAULT_SHUTDOWN_DELETION_INTERVAL,
        DEFAULT_SHUTDOWN_DELETION_RETRIES,
        DEFAULT_FAILURE_THRESHOLD,
        false,
        false,
        true,
        ScaleThrottle.DEFAULT,
        ConnectorOptions.DEFAULT,
        new StateStorage(false, stateDir, false),
        policies,
        defaultReadinessMaxUpdateAge(updateInterval));
  }

  /** The same group with {@code value} as its policies (what a reload may change). */
  public GroupConfig withPolicies(List<Policy> value) {
    return new GroupConfig(
        name,
        plugin,
        pluginConfigJson,
        capacityPerInstance,
        maxUseCount,
        maxInstances,
        deleteInstancesOnShutdown,
        instanceReadyCommand,
        instanceAcquireTimeout,
        updateInterval,
        updateIntervalWhenExpecting,
        deletionRetryInterval,
        shutdownDeletionInterval,
        shutdownDeletionRetries,
        failureThreshold,
        logInternalIp,
        logExternalIp,
        reservationThrottling,
        scaleThrottle,
        connector,
        stateStorage,
        value,
        readinessMaxUpdateAge);
  }

  @Override
  public String toString() {
    return "GroupConfig[name="
        + name
        + ", plugin="
        + plugin
        + ", pluginConfigJson=<"
        + pluginConfigJson.length()
        + " chars>, capacityPerInstance="
        + capacityPerInstance
        + ", maxUseCount="
        + maxUseCount
        + ", maxInstances="
        + maxInstances
        + ", connector="
        + connector
        + ", policies="
        + policies
        + ", ...]";
  }
}
