package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.slots.SlotAllocator;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Heartbeats ready instances through the plugin every {@code heartbeat_interval}. After {@code
 * failure_threshold} consecutive {@link ProviderException.Unhealthy} or {@link
 * ProviderException.NotFound} answers an instance is marked unhealthy in the allocator (it takes no
 * new work; the planner deletes it once its slots are released); one success marks it healthy
 * again. Retryable errors say nothing about the instance and are not counted. Off when the interval
 * is zero, as fleeting's acquisition heartbeats are by default.
 *
 * <p>Not thread-safe: runs under the scaler's control lock, after each update.
 */
final class HealthChecker {
  private final InstanceGroup group;
  private final SlotAllocator allocator;
  private final InstantSource clock;
  private final Duration interval;
  private final int failureThreshold;
  private final ScalerMetrics metrics;

  HealthChecker(
      InstanceGroup group,
      SlotAllocator allocator,
      InstantSource clock,
      Duration interval,
      int failureThreshold,
      ScalerMetrics metrics) {
    this.group = group;
    this.allocator = allocator;
    this.clock = clock;
    this.interval = interval;
    this.failureThreshold = failureThreshold;
    this.metrics = metrics;
  }

  /** Heartbeats every allocated instance whose last heartbeat is older than the interval. */
  void check(Iterable<Provisioner.Tracked> instances) {
    if (interval.isZero()) {
      return;
    }
    Instant now = clock.instant();
    for (Provisioner.Tracked t : instances) {
      if (t.phase != InstancePhase.READY && t.phase != InstancePhase.UNHEALTHY) {
        continue;
      }
      Instant last = t.lastHeartbeat;
      if (last != null && now.isBefore(last.plus(interval))) {
        continue;
      }
      t.lastHeartbeat = now;
      try {
        group.heartbeat(t.id);
        t.heartbeatFailures = 0;
        if (t.phase == InstancePhase.UNHEALTHY && allocator.markHealthy(t.id)) {
          t.phase = InstancePhase.READY;
        }
      } catch (ProviderException.Unhealthy | ProviderException.NotFound e) {
        metrics.providerError(e);
        t.heartbeatFailures++;
        if (t.heartbeatFailures >= failureThreshold
            && t.phase == InstancePhase.READY
            && allocator.markUnhealthy(t.id)) {
          t.phase = InstancePhase.UNHEALTHY;
        }
      } catch (ProviderException e) {
        metrics.providerError(e);
      }
    }
  }
}
