package io.fleetscaler.daemon.fleet;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Polls a plugin's {@link InstanceGroup#update} and publishes what it reports: instances by state
 * ({@code fleeting_provisioner_instances{state}}), update calls ({@code
 * fleeting_provisioner_instance_operations_total{operation="update"}}) and failed polls ({@code
 * fleeting_provisioner_missed_updates_total}).
 *
 * <p>{@link #poll()} is called from one thread (the daemon's scheduler); {@link #readiness} and the
 * gauges may be read from any thread. A failed poll keeps the last known counts: a plugin that is
 * restarting does not make the fleet look empty.
 */
public final class FleetMonitor {
  private static final System.Logger LOG = System.getLogger(FleetMonitor.class.getName());

  private final InstanceGroup group;
  private final InstantSource clock;
  private final Duration staleAfter;
  private final Map<InstanceState, AtomicInteger> byState = new EnumMap<>(InstanceState.class);
  private final Counter updates;
  private final Counter missedUpdates;
  private final AtomicReference<@Nullable Instant> lastSuccess = new AtomicReference<>();
  private final AtomicReference<String> lastError = new AtomicReference<>("no update yet");

  /**
   * @param group the plugin, already initialised
   * @param registry where the metrics go
   * @param clock the time source
   * @param updateInterval how often {@link #poll()} is called; the monitor reports not-ready when
   *     no poll succeeded for three intervals
   */
  public FleetMonitor(
      InstanceGroup group, MeterRegistry registry, InstantSource clock, Duration updateInterval) {
    if (updateInterval.isNegative() || updateInterval.isZero()) {
      throw new IllegalArgumentException("updateInterval must be positive, was " + updateInterval);
    }
    this.group = group;
    this.clock = clock;
    this.staleAfter = updateInterval.multipliedBy(3);
    for (InstanceState state : InstanceState.values()) {
      AtomicInteger count = new AtomicInteger();
      byState.put(state, count);
      Gauge.builder("fleeting.provisioner.instances", count, AtomicInteger::get)
          .description("Instances the plugin reports, by state")
          .tag("state", state.wireName())
          .register(registry);
    }
    this.updates =
        Counter.builder("fleeting.provisioner.instance.operations")
            .description("Calls to the plugin, by operation")
            .tag("operation", "update")
            .register(registry);
    this.missedUpdates =
        Counter.builder("fleeting.provisioner.missed.updates")
            .description("Update calls to the plugin that failed")
            .register(registry);
  }

  /** Calls the plugin's update once and publishes the result. Never throws. */
  public void poll() {
    updates.increment();
    List<InstanceStatus> instances;
    try {
      instances = group.update();
    } catch (ProviderException e) {
      missedUpdates.increment();
      lastError.set("update failed: " + e.getMessage());
      LOG.log(Level.WARNING, "fleet update failed: {0}", e.getMessage());
      return;
    } catch (RuntimeException e) {
      missedUpdates.increment();
      lastError.set("update failed: " + e);
      LOG.log(Level.ERROR, "fleet update failed unexpectedly", e);
      return;
    }
    Map<InstanceState, Integer> counts = new EnumMap<>(InstanceState.class);
    for (InstanceStatus instance : instances) {
      counts.merge(instance.state(), 1, Integer::sum);
    }
    byState.forEach((state, gauge) -> gauge.set(counts.getOrDefault(state, 0)));
    lastSuccess.set(clock.instant());
  }

  /** How many instances the last successful poll saw in {@code state}. */
  public int count(InstanceState state) {
    AtomicInteger count = byState.get(state);
    return count == null ? 0 : count.get();
  }

  /** Ready when a poll succeeded within the last three update intervals. */
  public Readiness readiness() {
    Instant last = lastSuccess.get();
    if (last == null) {
      return new Readiness(false, lastError.get());
    }
    Duration age = Duration.between(last, clock.instant());
    if (age.compareTo(staleAfter) > 0) {
      return new Readiness(
          false, "no successful update for " + age.toSeconds() + "s; " + lastError.get());
    }
    return new Readiness(true, "fleet observed " + age.toSeconds() + "s ago");
  }
}
