package io.fleetscaler.core.scaler;

import io.fleetscaler.core.connector.Connector;
import io.fleetscaler.core.connector.ConnectorSettings;
import io.fleetscaler.core.lease.LeaseGuard;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.state.StateStore;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.Settings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
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
 * wait; while {@code update} fails, the next one waits an exponential, jittered backoff (seeded by
 * {@link Builder#randomSeed}) instead. Besides, it plans on events: a slot taken or freed, a
 * reservation given or returned, an acquisition that must wait and a policy change each ask the
 * loop's thread (never the request's) for one plan without an update, coalesced so that a burst
 * costs one; refill after an acquisition and deletion after the last use ({@code max_use_count})
 * happen then, not at the next tick. Built with {@link Builder#manualTicks()}, no loop runs: the
 * caller steps it with {@link #tick()}, which makes every test deterministic under an injected
 * clock, and an event plans at once on the thread that caused it (or, when another thread holds the
 * scaler's lock, on that thread as it lets go), as the daemon's loop would within milliseconds.
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

  /**
   * Why jobs wait, now: the reasons that hold capacity back ({@code max_instances}, the throttle, a
   * provider backoff with its error, a capacity refusal, instances booting with their expected
   * ready time, preemptive mode, an idle target of 0, a failing update, a shutdown), with their
   * figures. Never waits for the cloud or the scaler's lock: the provisioner's side is what it saw
   * at its last plan or update, the slots, waiting demand and policy are read fresh.
   */
  WaitReasons waitReasons();

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
   * When the plugin's {@code update} last succeeded; the instant the scaler was built until the
   * first one does. A readiness check compares it with a bound: a scaler that cannot see its fleet
   * serves ready slots but cannot scale. Lock-free.
   */
  Instant lastSuccessfulUpdate();

  /**
   * Stops the scaler, then the plugin, in this order: reservations and acquisitions are refused
   * from the start and waiting acquisitions fail; with {@link Builder#deleteInstancesOnShutdown}
   * every instance is deleted and the plugin polled at {@link Builder#shutdownDeletion} until it
   * reports none (or the retries run out); the state is saved (with state storage); only then is
   * the plugin shut down. Idempotent.
   */
  void shutdown();

  @Override
  default void close() {
    shutdown();
  }

  /**
   * Options of a scaler; every one has fleeting's default. Not thread-safe.
   *
   * <p>Long on purpose: this is the embedding API, one documented setter per option, each the
   * counterpart of a key of gitlab-runner's {@code [runners.autoscaler]}; checking them is {@link
   * OptionChecks}'s, applying them the engine's.
   */
  final class Builder {
    // The plugin as the scaler calls it: every call with a deadline, in process as over the wire,
    // and behind the lease guard once one is set (asked immediately before the real call).
    DeadlineGroup group;
    Duration pluginCallTimeout = DeadlineGroup.DEFAULT;
    boolean inlinePluginCalls;
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
    Duration shutdownDeletionInterval = Duration.ofSeconds(10);
    int shutdownDeletionRetries = 3;
    Sleeper sleeper = Sleeper.system();
    @Nullable Path stateDir;
    boolean keepInstanceWithAcquisitions;
    boolean removePreexistingInstances = true;
    Duration restoredAcquisitionGrace = Duration.ofMinutes(15);
    Duration stateSaveDelay = Duration.ofSeconds(1);
    @Nullable MeterRegistry meterRegistry;
    @Nullable ConnectorSettings connectorSettings;
    @Nullable Connector connector;
    String instanceReadyCommand = "";
    Duration readinessTimeout = Duration.ofMinutes(5);
    boolean connectorHeartbeat;
    @Nullable Executor connectorExecutor;
    boolean acquireHeartbeat;
    Consumer<Decision> decisionListener = d -> {};
    LeaseGuard leaseGuard = LeaseGuard.alone();
    @Nullable Function<String, StateStore> stateStoreOpener;

    Builder(InstanceGroup group) {
      this.group = new DeadlineGroup(Objects.requireNonNull(group, "group"));
    }

    /** The settings and {@code plugin_config} JSON passed to {@link InstanceGroup#init}. */
    public Builder plugin(Settings value, String configJson) {
      settings = Objects.requireNonNull(value, "settings");
      pluginConfigJson = Objects.requireNonNull(configJson, "configJson");
      return this;
    }

    /**
     * The deadline of every plugin call (default 5 minutes, as over the plugin wire): past it the
     * scaler stops waiting, logs, counts the call as {@code outcome="timeout"} and fails it as
     * retryable. Applies to a plugin in this JVM too, which no channel bounds; a plugin behind the
     * wire also keeps its channel's deadline, and the shorter one wins.
     */
    public Builder pluginCallTimeout(Duration value) {
      pluginCallTimeout = Objects.requireNonNull(value, "plugin call timeout");
      return this;
    }

    /**
     * Calls the plugin on the caller's own thread, with no deadline, saving the thread hop each
     * bounded call costs. Only for a plugin that lives in memory and answers at once, such as the
     * simulator's cloud replaying a trace; never for one that reaches a cloud.
     */
    public Builder inlinePluginCalls() {
      inlinePluginCalls = true;
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

    /** Consecutive heartbeat failures that make an instance unhealthy (default 3). */
    public Builder failureThreshold(int value) {
      failureThreshold = value;
      return this;
    }

    /**
     * How the scaler's SSH connector reaches instances ({@code connector_config} and {@code
     * use_external_addr}). Without it, the connector uses the connector configuration given to
     * {@link #plugin} and dials internal addresses. Only used when a ready command or connector
     * heartbeats are configured.
     */
    public Builder connector(ConnectorSettings value) {
      connectorSettings = Objects.requireNonNull(value, "connector settings");
      return this;
    }

    /**
     * Runs commands on instances with {@code value} instead of the SSH connector: for embedders
     * with their own transport, and for tests.
     */
    public Builder connector(Connector value) {
      connector = Objects.requireNonNull(value, "connector");
      return this;
    }

    /**
     * {@code instance_ready_command}: run through the connector on every new instance once it is
     * running; only when it exits 0 does the instance take work, otherwise it is deleted and
     * creation backs off. Empty (the default) makes running instances ready at once.
     */
    public Builder instanceReadyCommand(String value) {
      instanceReadyCommand = Objects.requireNonNull(value, "instance_ready_command");
      return this;
    }

    /** How long the ready command may take, connecting included (default 5 minutes). */
    public Builder readinessTimeout(Duration value) {
      readinessTimeout = Objects.requireNonNull(value, "readiness timeout");
      return this;
    }

    /**
     * Whether each heartbeat also runs {@code exit 0} through the connector after the plugin's
     * heartbeat (default false), so that an instance the cloud calls healthy but that cannot be
     * logged in to counts as failing. Bounded by the readiness timeout.
     */
    public Builder connectorHeartbeat(boolean value) {
      connectorHeartbeat = value;
      return this;
    }

    /**
     * Heartbeats an instance right before each acquisition on it is handed out (default false, as
     * gitlab-runner's acquire heartbeats): the plugin's heartbeat, plus {@code exit 0} through the
     * connector with {@link #connectorHeartbeat}. A failure counts toward {@code failure_threshold}
     * and the caller waits for another slot; the slot given back counts as one use of its instance.
     */
    public Builder acquireHeartbeat(boolean value) {
      acquireHeartbeat = value;
      return this;
    }

    /**
     * Where connector commands run (default: a virtual thread each, owned by the scaler). A direct
     * executor ({@code Runnable::run}) runs them inside the tick, which makes tests deterministic.
     */
    public Builder connectorExecutor(Executor value) {
      connectorExecutor = Objects.requireNonNull(value, "executor");
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

    /**
     * Deletes every instance on {@link TaskScaler#shutdown()}, cancelling acquisitions still held,
     * and waits for the plugin to stop reporting them (default false: instances are left running
     * and, with state storage, adopted by the next start).
     */
    public Builder deleteInstancesOnShutdown(boolean value) {
      deleteInstancesOnShutdown = value;
      return this;
    }

    /**
     * How a shutdown with deletion waits: it polls the plugin every {@code interval} up to {@code
     * retries} times until no instance is reported (defaults 10 seconds and 3, {@code
     * shutdown_deletion_interval} and {@code shutdown_deletion_retries}).
     */
    public Builder shutdownDeletion(Duration interval, int retries) {
      shutdownDeletionInterval = Objects.requireNonNull(interval, "interval");
      shutdownDeletionRetries = retries;
      return this;
    }

    /** How the shutdown waits between polls (default {@link Sleeper#system()}). */
    public Builder sleeper(Sleeper value) {
      sleeper = Objects.requireNonNull(value, "sleeper");
      return this;
    }

    /**
     * Enables state storage ({@code state_storage.enabled} and {@code dir}): use counts and held
     * slots are saved in {@code dir} and instances are adopted with them at the next start. See
     * {@link io.fleetscaler.core.state.StateStore} for the layout and permissions.
     */
    public Builder stateStorage(Path dir) {
      stateDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * Whether an instance adopted with acquisitions stays in service ({@code
     * keep_instance_with_acquisitions}, default false: it takes no new work and is deleted once
     * they are released, as the job that ran on it may have left it dirty).
     */
    public Builder keepInstanceWithAcquisitions(boolean value) {
      keepInstanceWithAcquisitions = value;
      return this;
    }

    /**
     * Whether an instance found at start that nothing is known of is deleted (reason {@code
     * preexisting}; default true). False adopts it as a fresh, never used instance.
     */
    public Builder removePreexistingInstances(boolean value) {
      removePreexistingInstances = value;
      return this;
    }

    /**
     * How long a slot restored from state storage waits for its key to reserve or acquire again
     * before it is released (default 15 minutes, gitlab-runner's {@code instance_acquire_timeout}).
     */
    public Builder restoredAcquisitionGrace(Duration value) {
      restoredAcquisitionGrace = Objects.requireNonNull(value, "grace");
      return this;
    }

    /**
     * The longest a change (a release, a reservation, a new instance) waits before it is saved
     * (default 1 second). Acquisitions never wait for it: each is saved before it is handed out.
     */
    public Builder stateSaveDelay(Duration value) {
      stateSaveDelay = Objects.requireNonNull(value, "delay");
      return this;
    }

    /**
     * The right to act, asked immediately before every plugin call and before an acquisition is
     * handed out (default {@link LeaseGuard#alone()}: always). When it does not hold, plugin calls
     * are skipped as if the plugin were unavailable (nothing fails for good, no instance is marked
     * unhealthy) and acquisitions fail with {@link NotServedException}; the scaler acts again as
     * soon as it holds. The daemon passes its leader lease here under high availability.
     */
    public Builder leaseGuard(LeaseGuard guard) {
      leaseGuard = Objects.requireNonNull(guard, "guard");
      group = new DeadlineGroup(LeaseGuardedGroup.of(group.plugin(), guard));
      return this;
    }

    /**
     * State storage in a store of the caller's: {@code opener} gets the group id ({@code
     * ProviderInfo.id}) after init and returns its store, which is loaded for restart adoption and
     * saved as {@link #stateStorage(Path)}'s file is. Replaces {@link #stateStorage(Path)}.
     */
    public Builder stateStore(Function<String, StateStore> opener) {
      stateStoreOpener = Objects.requireNonNull(opener, "opener");
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

    /** Checks every option and reports all problems at once (see {@link OptionChecks}). */
    void validate() {
      OptionChecks.validate(this);
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
