package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.slots.SlotAllocator;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.jspecify.annotations.Nullable;

/**
 * Heartbeats ready instances every {@code heartbeat_interval}: the plugin's {@code heartbeat},
 * then, when enabled, {@code exit 0} through the connector (run off the control lock by {@link
 * ConnectorChecks}; its outcome arrives through {@link #complete}). A heartbeat fails when the
 * plugin answers {@link ProviderException.Unhealthy} or {@link ProviderException.NotFound}, or the
 * connector cannot run the command; retryable plugin errors say nothing about the instance and are
 * not counted. One success resets the count.
 *
 * <p>After {@code failure_threshold} consecutive failures the instance is lost: it leaves the
 * allocator at once, so none of its idle slots is handed out again and every holder is cancelled
 * with a cause naming the instance and the last failure; it is counted in {@code
 * fleetscaler_instance_losses_total{cause="heartbeat"}}, shown as unhealthy, and deleted and
 * replaced by the next plan. Off when the interval is zero, as fleeting's acquisition heartbeats
 * are by default.
 *
 * <p>Not thread-safe: runs under the scaler's control lock, after each update.
 */
final class HealthChecker {
  private static final System.Logger LOG = System.getLogger(TaskScaler.class.getName());
  private static final String HEARTBEAT_COMMAND = "exit 0";

  private final InstanceGroup group;
  private final SlotAllocator allocator;
  private final InstantSource clock;
  private final Duration interval;
  private final int failureThreshold;
  private final ScalerMetrics metrics;
  private final PluginCalls calls;
  private final @Nullable ConnectorChecks connectorChecks;
  private final Duration connectorTimeout;

  /**
   * @param connectorChecks where to run the connector heartbeat; null for plugin heartbeats only
   * @param connectorTimeout bound on one connector heartbeat
   */
  HealthChecker(
      InstanceGroup group,
      SlotAllocator allocator,
      InstantSource clock,
      Duration interval,
      int failureThreshold,
      ScalerMetrics metrics,
      PluginCalls calls,
      @Nullable ConnectorChecks connectorChecks,
      Duration connectorTimeout) {
    this.group = group;
    this.allocator = allocator;
    this.clock = clock;
    this.interval = interval;
    this.failureThreshold = failureThreshold;
    this.metrics = metrics;
    this.calls = calls;
    this.connectorChecks = connectorChecks;
    this.connectorTimeout = connectorTimeout;
  }

  /** Heartbeats every ready instance whose last heartbeat is older than the interval. */
  void check(Iterable<Provisioner.Tracked> instances) {
    if (interval.isZero()) {
      return;
    }
    Instant now = clock.instant();
    for (Provisioner.Tracked t : instances) {
      if (!watched(t)) {
        continue;
      }
      Instant last = t.lastHeartbeat;
      if (last != null && now.isBefore(last.plus(interval))) {
        continue;
      }
      t.lastHeartbeat = now;
      try {
        calls.run("heartbeat", () -> group.heartbeat(t.id));
      } catch (ProviderException.Unhealthy | ProviderException.NotFound e) {
        metrics.providerError(e);
        failed(t, "the plugin reports it unhealthy: " + e.getMessage());
        continue;
      } catch (ProviderException e) {
        metrics.providerError(e);
        continue;
      }
      ConnectorChecks checks = connectorChecks;
      if (checks == null) {
        t.heartbeatFailures = 0;
      } else {
        checks.start(t.id, ConnectorChecks.Kind.HEARTBEAT, HEARTBEAT_COMMAND, connectorTimeout);
      }
    }
  }

  /** Applies a connector heartbeat's outcome. */
  void complete(ConnectorChecks.Outcome outcome, Provisioner provisioner) {
    Provisioner.Tracked t = provisioner.tracked(outcome.instanceId());
    if (t == null || !watched(t)) {
      return;
    }
    String failure = outcome.failure();
    if (failure == null) {
      t.heartbeatFailures = 0;
    } else {
      failed(t, "the connector cannot reach it: " + failure);
    }
  }

  /** Ready (or unhealthy but not yet lost) instances are heartbeated. */
  private boolean watched(Provisioner.Tracked t) {
    return (t.phase == InstancePhase.READY || t.phase == InstancePhase.UNHEALTHY)
        && t.heartbeatFailures < failureThreshold;
  }

  /** A heartbeat made elsewhere (before an acquisition) passed. */
  void passed(Provisioner.Tracked t) {
    if (watched(t)) {
      t.heartbeatFailures = 0;
    }
  }

  /**
   * Counts a failed heartbeat; at the threshold the instance is lost as the class notes say.
   * Ignored for instances not (or no longer) watched.
   */
  void failed(Provisioner.Tracked t, String why) {
    if (!watched(t)) {
      return;
    }
    t.heartbeatFailures++;
    if (t.heartbeatFailures < failureThreshold) {
      LOG.log(
          System.Logger.Level.INFO,
          "heartbeat {0}/{1} of instance {2} failed: {3}",
          t.heartbeatFailures,
          failureThreshold,
          t.id,
          why);
      return;
    }
    String cause =
        "instance "
            + t.id
            + " is unhealthy: "
            + t.heartbeatFailures
            + " consecutive heartbeats failed, the last because "
            + why;
    LOG.log(System.Logger.Level.WARNING, cause + "; replacing it");
    metrics.lost("heartbeat");
    allocator.remove(t.id, cause);
    t.phase = InstancePhase.UNHEALTHY;
  }
}
