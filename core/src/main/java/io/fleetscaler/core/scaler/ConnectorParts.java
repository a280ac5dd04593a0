package io.fleetscaler.core.scaler;

import io.fleetscaler.core.connector.Connector;
import io.fleetscaler.core.connector.ConnectorSettings;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * The scaler's use of the connector, as its options ask: the checks run off the control lock
 * (readiness commands, connector heartbeats), the acquire heartbeat, and the executor they run on
 * when the scaler owns it (to be shut down with the scaler). All null when no option uses the
 * connector. Built once, before the scaler is handed out; immutable.
 *
 * @param checks readiness and connector-heartbeat commands; null when no connector is used
 * @param acquireHeartbeat the heartbeat before each hand-out; null when not configured
 * @param owned the executor the scaler created (no {@code connectorExecutor} was given)
 */
record ConnectorParts(
    @Nullable ConnectorChecks checks,
    @Nullable AcquireHeartbeat acquireHeartbeat,
    @Nullable ExecutorService owned) {

  /**
   * The parts {@code b} asks for; {@code wake} is told when a check finishes; the connector's and
   * the heartbeat's plugin calls go through {@code calls}.
   */
  static ConnectorParts of(TaskScaler.Builder b, PluginCalls calls, Runnable wake) {
    boolean connectorUsed =
        !b.instanceReadyCommand.isEmpty() || b.connectorHeartbeat || b.acquireHeartbeat;
    Executor executor = b.connectorExecutor;
    ExecutorService owned = null;
    if (connectorUsed && executor == null) {
      owned =
          Executors.newThreadPerTaskExecutor(
              Thread.ofVirtual().name("fleetscaler-connector-", 0).factory());
      executor = owned;
    }
    Connector connector = connectorUsed ? connector(b, calls) : null;
    ConnectorChecks checks =
        connector != null && executor != null
            ? new ConnectorChecks(connector, executor, wake)
            : null;
    AcquireHeartbeat acquireHeartbeat =
        b.acquireHeartbeat && executor != null
            ? new AcquireHeartbeat(
                b.group,
                calls,
                b.connectorHeartbeat ? connector : null,
                b.readinessTimeout,
                executor)
            : null;
    return new ConnectorParts(checks, acquireHeartbeat, owned);
  }

  /**
   * The builder's connector, else SSH with its settings, else with the plugin's connector config.
   */
  private static Connector connector(TaskScaler.Builder b, PluginCalls calls) {
    Connector given = b.connector;
    if (given != null) {
      return given;
    }
    ConnectorSettings settings = b.connectorSettings;
    if (settings == null) {
      settings = new ConnectorSettings(b.settings.connector(), false);
    }
    return Connector.ssh(
        settings, id -> calls.call("connect_info", () -> b.group.connectInfo(id)), b.clock);
  }
}
