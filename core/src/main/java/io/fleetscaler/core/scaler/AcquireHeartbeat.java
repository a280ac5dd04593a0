package io.fleetscaler.core.scaler;

import io.fleetscaler.core.connector.CommandResult;
import io.fleetscaler.core.connector.Connector;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.ProviderException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The heartbeat right before a slot is handed out (gitlab-runner's acquire heartbeats): the
 * plugin's {@code heartbeat}, then {@code exit 0} through the connector when connector heartbeats
 * are on. It runs on the connector executor, never under the control lock; the engine gives the
 * slot to its caller only when it passes, and otherwise counts a heartbeat failure and lets the key
 * wait for another slot. Retryable plugin errors say nothing about the instance and pass.
 *
 * <p>Thread-safe: the plugin's {@code heartbeat}, {@link PluginCalls} and the connector are.
 */
final class AcquireHeartbeat {

  /** Told how the heartbeat went: {@code failure} is null when it passed. */
  interface Verdict {
    void done(@Nullable String failure);
  }

  private final InstanceGroup group;
  private final PluginCalls calls;
  private final @Nullable Connector connector;
  private final Duration timeout;
  private final Executor executor;

  AcquireHeartbeat(
      InstanceGroup group,
      PluginCalls calls,
      @Nullable Connector connector,
      Duration timeout,
      Executor executor) {
    this.group = group;
    this.calls = calls;
    this.connector = connector;
    this.timeout = timeout;
    this.executor = executor;
  }

  /**
   * Heartbeats the instance on the executor and then tells {@code verdict}.
   *
   * @return false if the executor refused (shut down); {@code verdict} is then never told
   */
  boolean start(String instanceId, Verdict verdict) {
    try {
      executor.execute(() -> verdict.done(check(instanceId)));
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private @Nullable String check(String instanceId) {
    try {
      calls.run("heartbeat", () -> group.heartbeat(instanceId));
    } catch (ProviderException.Unhealthy | ProviderException.NotFound e) {
      return "the plugin reports it unhealthy: " + e.getMessage();
    } catch (RuntimeException e) {
      // Retryable: the plugin could not tell; the connector (if any) decides.
    }
    Connector c = connector;
    if (c == null) {
      return null;
    }
    try {
      CommandResult r = c.run(instanceId, "exit 0", timeout);
      return r.succeeded() ? null : "exit 0 over the connector exited " + r.exitStatus();
    } catch (RuntimeException e) {
      return "the connector cannot reach it: " + e.getMessage();
    }
  }
}
