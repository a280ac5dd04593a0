package io.fleetscaler.plugin.api;

import java.util.List;

/**
 * One group of instances in one cloud, as a plugin sees it.
 *
 * <p>The scaler is the only caller and decides everything; the plugin only carries out group
 * lifecycle: grow by a count, shrink by naming instances, report what exists, and say how to reach
 * an instance. The scaler calls the methods of one group from one thread at a time, except {@link
 * #connectInfo} and {@link #heartbeat}, which may run concurrently with each other and with the
 * rest; implementations must make those two thread-safe.
 *
 * <p>Every method may throw a {@link ProviderException}; any other runtime exception is treated as
 * {@link ProviderException.Unavailable} (retryable) by the host.
 */
public interface InstanceGroup {

  /**
   * Validates the plugin configuration and prepares clients. Called once, before anything else.
   *
   * @param settings what the host fills in (today: the connector configuration)
   * @param pluginConfigJson the {@code plugin_config} table of the scaler's configuration, as a
   *     JSON object; {@code "{}"} when empty
   * @throws ProviderException.InvalidConfig if the configuration is unusable; never retried
   */
  ProviderInfo init(Settings settings, String pluginConfigJson);

  /**
   * Reports every instance the group owns, with its current state. An instance missing from the
   * result is taken as gone. Instances that were requested but are not listed by the cloud yet
   * should be reported as {@link InstanceState#CREATING} when the plugin can know of them.
   */
  List<InstanceStatus> update();

  /**
   * Asks the cloud for {@code delta} more instances. Asynchronous: the instances appear in later
   * {@link #update} results.
   *
   * @param delta how many to add, at least 1
   * @return how many were successfully requested, between 0 and {@code delta}
   */
  int increase(int delta);

  /**
   * Removes exactly the named instances, without letting the cloud replace them or choose other
   * victims. Idempotent: an id that is already gone or being deleted counts as accepted.
   *
   * @return the ids whose removal was accepted; a subset of {@code ids} on partial success
   */
  List<String> decrease(List<String> ids);

  /**
   * How to reach the instance now. Called again before each connection, so implementations must not
   * cache addresses beyond what the cloud guarantees. Thread-safe.
   *
   * @throws ProviderException.NotFound if the group does not own {@code id}
   */
  ConnectInfo connectInfo(String id);

  /**
   * Checks the instance from the cloud's point of view. Thread-safe.
   *
   * @throws ProviderException.Unhealthy if the instance is known to be broken
   * @throws ProviderException.NotFound if the group does not own {@code id}
   */
  void heartbeat(String id);

  /** Releases the plugin's own resources. Never deletes instances; the scaler does that first. */
  void shutdown();

  /**
   * Suspends the named instances (stop without deleting). Only called when {@link ProviderInfo}
   * lists {@link Capability#SUSPEND_RESUME}.
   *
   * @return the ids accepted
   */
  default List<String> suspend(List<String> ids) {
    throw new ProviderException.Unsupported("suspend is not supported by this plugin");
  }

  /**
   * Resumes suspended instances. Only called when {@link ProviderInfo} lists {@link
   * Capability#SUSPEND_RESUME}.
   *
   * @return the ids accepted
   */
  default List<String> resume(List<String> ids) {
    throw new ProviderException.Unsupported("resume is not supported by this plugin");
  }
}
