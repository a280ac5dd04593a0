package io.fleetscaler.core.scaler;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.slots.SlotLimits;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.Settings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Autoscales one instance group and hands out job slots on it: the embeddable engine a runner
 * manager calls.
 *
 * <h2>Request methods</h2>
 *
 * {@link #reserve}, {@link #unreserve}, {@link #acquire} and {@link #release} may be called from
 * any thread; one key must be used by one thread at a time. When a ready slot is free they go
 * straight to the lock-free allocator; only demand that must wait takes the scaler's control lock,
 * and an acquisition that must wait makes the scaler plan and create instances at once.
 *
 * <h2>Provisioner loop</h2>
 *
 * Built with a scheduler, the scaler ticks every {@code update_interval}, or every {@code
 * update_interval_when_expecting} while instances are being created or deleted or acquisitions
 * wait. Built with {@link Builder#manualTicks()}, nothing runs until {@link #tick()} is called,
 * which makes every test deterministic under an injected clock.
 */
public interface TaskScaler extends AutoCloseable {

  /** Starts building a scaler for {@code group}; {@link Builder#build()} initializes the group. */
  static Builder builder(InstanceGroup group) {
    return new Builder(group);
  }

  /** Reserves a slot for {@code key} before the caller asks for a job. */
  ReserveResult reserve(String key);

  /**
   * Gives back the key's reservation (served or pending). Idempotent.
   *
   * @return whether a reservation was given back
   */
  boolean unreserve(String key);

  /**
   * Acquires a slot for {@code key}, turning its reservation into an acquisition if it has one. The
   * future completes at once when a slot is free, else when one becomes ready; it fails with {@link
   * NoCapacityException} at the fleet's maximum or when {@code timeout} (measured on the scaler's
   * clock, at ticks) passes first. Cancelling the future gives up the wait.
   */
  CompletableFuture<Acquisition> acquire(String key, Duration timeout);

  /**
   * Frees the key's acquired slot; the instance's idle time starts now. Idempotent.
   *
   * @return whether a slot was freed (false if the key held none or its instance was lost)
   */
  boolean release(String key);

  /**
   * Replaces the policies from now on. Reservations and acquisitions are kept whatever changes.
   *
   * @throws IllegalArgumentException never for valid {@link Policy} values (they validate on
   *     construction)
   */
  void configure(List<Policy> policies);

  /** A picture of instances, slots, pending demand, the active policy and recent decisions. */
  ScalerSnapshot snapshot();

  /** Binds the scaler's meters (fleeting's names plus {@code fleetscaler_*}) to a registry. */
  MeterBinder metrics();

  /**
   * Runs one provisioner step now: update, reconcile, serve waiting demand, plan, apply. Safe to
   * call from any thread; steps never overlap.
   */
  void tick();

  /**
   * When the provisioner loop runs its next step: {@code update_interval} after the last step
   * ({@code update_interval_when_expecting} while a change is pending), brought forward to {@code
   * update_interval_when_expecting} from now when waiting demand makes the scaler plan; before the
   * first step, the instant the scaler was built. With {@link Builder#manualTicks()} nothing runs
   * by itself: a caller replaying time calls {@link #tick()} at this instant to step exactly as the
   * daemon's loop would.
   */
  Instant nextTickAt();

  /**
   * Stops the loop, fails waiting acquisitions, deletes idle instances if configured, and shuts the
   * plugin down. Idempotent.
   */
  void shutdown();

  @Override
  default void close() {
    shutdown();
  }

  /** Options of a scaler; every one has fleeting's default. Not thread-safe. */
  final class Builder {
    final InstanceGroup group;
    Settings settings = Settings.defaults();
    String pluginConfigJson = "{}";
    int capacityPerInstance = 1;
    int maxUseCount;
    int maxInstances = 10;
    Duration updateInterval = Duration.ofMinutes(1);
    Duration updateIntervalWhenExpecting = Duration.ofSeconds(2);
    double scaleThrottleLimit = 100;
    int scaleThrottleBurst = -1;
    Duration deletionRetryInterval = Duration.ofMinutes(1);
    Duration creationTimeout = Duration.ofMinutes(10);
    Duration heartbeatInterval = Duration.ZERO;
    int failureThreshold = 3;
    List<Policy> policies = List.of();
    InstantSource clock = InstantSource.system();
    long randomSeed = System.nanoTime();
    boolean manualTicks;
    boolean deleteInstancesOnShutdown;
    @Nullable MeterRegistry meterRegistry;
    Consumer<Decision> decisionListener = d -> {};

    Builder(InstanceGroup group) {
      this.group = Objects.requireNonNull(group, "group");
    }

    /** The settings and {@code plugin_config} JSON passed to {@link InstanceGroup#init}. */
    public Builder plugin(Settings value, String configJson) {
      settings = Objects.requireNonNull(value, "settings");
      pluginConfigJson = Objects.requireNonNull(configJson, "configJson");
      return this;
    }

    /** Slots per instance, 1 to 16 (default 1). */
    public Builder capacityPerInstance(int value) {
      capacityPerInstance = value;
      return this;
    }

    /** Claims an instance serves before it is retired; 0 (default) for unlimited. */
    public Builder maxUseCount(int value) {
      maxUseCount = value;
      return this;
    }

    /** The most instances in any state, at least 1 (default 10). */
    public Builder maxInstances(int value) {
      maxInstances = value;
      return this;
    }

    /** How often to poll the plugin when nothing is expected (default 1 minute). */
    public Builder updateInterval(Duration value) {
      updateInterval = value;
      return this;
    }

    /** How often to poll while a change is pending (default 2 seconds). */
    public Builder updateIntervalWhenExpecting(Duration value) {
      updateIntervalWhenExpecting = value;
      return this;
    }

    /**
     * The token bucket for instance creation: {@code limit} instances per second (0 means 100, -1
     * unlimited) and {@code burst} (0 or less means {@code max_instances}).
     */
    public Builder scaleThrottle(double limit, int burst) {
      scaleThrottleLimit = limit;
      scaleThrottleBurst = burst;
      return this;
    }

    /** How long a deletion may show no effect before it is asked again (default 1 minute). */
    public Builder deletionRetryInterval(Duration value) {
      deletionRetryInterval = value;
      return this;
    }

    /** How long a requested instance may stay unlisted before it counts as failed (10 minutes). */
    public Builder creationTimeout(Duration value) {
      creationTimeout = value;
      return this;
    }

    /**
     * Heartbeats ready instances through the plugin this often; after {@code failureThreshold}
     * consecutive failures an instance takes no new work and is replaced once empty. Zero (the
     * default) turns heartbeats off.
     */
    public Builder heartbeat(Duration interval, int failureThreshold) {
      heartbeatInterval = interval;
      this.failureThreshold = failureThreshold;
      return this;
    }

    /** The policies, in order; the last active one applies. */
    public Builder policies(List<Policy> value) {
      policies = List.copyOf(value);
      return this;
    }

    /** The clock every timing decision reads (default the system clock). */
    public Builder clock(InstantSource value) {
      clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** Seeds the backoff jitter, for reproducible tests. */
    public Builder randomSeed(long value) {
      randomSeed = value;
      return this;
    }

    /** Runs no scheduler: the caller drives the loop with {@link TaskScaler#tick()}. */
    public Builder manualTicks() {
      manualTicks = true;
      return this;
    }

    /** Deletes every idle instance on {@link TaskScaler#shutdown()} (default false). */
    public Builder deleteInstancesOnShutdown(boolean value) {
      deleteInstancesOnShutdown = value;
      return this;
    }

    /** Binds the scaler's meters to {@code registry} when built. */
    public Builder meterRegistry(MeterRegistry registry) {
      meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Called with each {@link Decision} as the scaler records it (the same ones {@link
     * ScalerSnapshot#recentDecisions()} keeps), on the provisioner's thread under its control lock:
     * the listener must be quick and must not call back into the scaler. An exception it throws is
     * dropped; it never stops the loop.
     */
    public Builder decisionListener(Consumer<Decision> listener) {
      decisionListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Checks every option and reports all problems at once. */
    void validate() {
      Builder b = this;
      List<String> errors = new ArrayList<>();
      if (b.capacityPerInstance < 1
          || b.capacityPerInstance > SlotLimits.MAX_CAPACITY_PER_INSTANCE) {
        errors.add(
            "capacity_per_instance: must be in 1.."
                + SlotLimits.MAX_CAPACITY_PER_INSTANCE
                + ", got "
                + b.capacityPerInstance);
      }
      if (b.maxInstances < 1 || b.maxInstances > SlotLimits.MAX_INSTANCES) {
        errors.add(
            "max_instances: must be in 1.." + SlotLimits.MAX_INSTANCES + ", got " + b.maxInstances);
      }
      if (b.maxUseCount < 0 || b.maxUseCount > SlotLimits.MAX_USE_COUNT) {
        errors.add("max_use_count: must be >= 0 (0 = unlimited), got " + b.maxUseCount);
      }
      positive(errors, "update_interval", b.updateInterval);
      positive(errors, "update_interval_when_expecting", b.updateIntervalWhenExpecting);
      positive(errors, "deletion_retry_interval", b.deletionRetryInterval);
      positive(errors, "creation_timeout", b.creationTimeout);
      if (b.heartbeatInterval.isNegative()) {
        errors.add("heartbeat_interval: must be >= 0 (0 = off), got " + b.heartbeatInterval);
      }
      if (b.failureThreshold < 1) {
        errors.add("failure_threshold: must be >= 1, got " + b.failureThreshold);
      }
      if (!(b.scaleThrottleLimit == -1 || b.scaleThrottleLimit >= 0)) {
        errors.add(
            "scale_throttle.limit: must be -1 (unlimited) or >= 0, got " + b.scaleThrottleLimit);
      }
      if (!errors.isEmpty()) {
        throw new IllegalArgumentException(
            "invalid task scaler options: " + String.join("; ", errors));
      }
    }

    private static void positive(List<String> errors, String name, Duration d) {
      if (d.isNegative() || d.isZero()) {
        errors.add(name + ": must be > 0, got " + d);
      }
    }

    /**
     * Validates the options, initializes the plugin and starts the loop (unless manual).
     *
     * @throws IllegalArgumentException naming every invalid option
     * @throws io.fleetscaler.plugin.api.ProviderException if the plugin's init fails
     */
    public TaskScaler build() {
      return EngineTaskScaler.start(this);
    }
  }
}
