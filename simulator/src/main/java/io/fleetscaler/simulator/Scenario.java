package io.fleetscaler.simulator;

import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.plugin.simulated.SimulatedOptions;
import io.fleetscaler.plugin.simulated.SimulatedOptions.Latency;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One configuration to replay a trace against.
 *
 * @param name how reports label it, non-empty
 * @param scaler applied to a builder over the simulated cloud: every scaler option (capacity,
 *     limits, intervals, policies...) except the plugin, clock, ticks and meter registry, which the
 *     simulator sets
 * @param cloud the simulated cloud: boot ({@code create_latency}) and deletion latency, injected
 *     failures, and the seed of every random draw (the scaler's jitter is seeded with it too)
 * @param acquireTimeout how long a job may wait for a slot, counted from its arrival, before it
 *     counts as timed out and is dropped
 * @param start the wall-clock instant of the trace's time 0, which cron periods are read against
 */
public record Scenario(
    String name,
    UnaryOperator<TaskScaler.Builder> scaler,
    SimulatedOptions cloud,
    Duration acquireTimeout,
    Instant start) {

  /** The first job of the shipped Travis CI trace: Monday 2020-02-03 00:01:15 UTC. */
  public static final Instant SHIPPED_TRACE_START = Instant.parse("2020-02-03T00:01:15Z");

  /** Boot time when none is given. */
  public static final Duration DEFAULT_BOOT = Duration.ofSeconds(60);

  /** Wait limit when none is given: long enough that every job of a sane configuration runs. */
  public static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofHours(24);

  public Scenario {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(scaler, "scaler");
    Objects.requireNonNull(cloud, "cloud");
    Objects.requireNonNull(acquireTimeout, "acquireTimeout");
    Objects.requireNonNull(start, "start");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name must not be empty");
    }
    if (acquireTimeout.isNegative() || acquireTimeout.isZero()) {
      throw new IllegalArgumentException("acquireTimeout must be > 0, got " + acquireTimeout);
    }
  }

  /**
   * A scenario with the defaults: a cloud of unlimited size booting in {@link #DEFAULT_BOOT},
   * deleting in 5 s, with no failures and seed 1; {@link #DEFAULT_ACQUIRE_TIMEOUT}; time 0 at
   * {@link #SHIPPED_TRACE_START}.
   */
  public static Scenario of(String name, UnaryOperator<TaskScaler.Builder> scaler) {
    SimulatedOptions cloud =
        SimulatedOptions.defaults()
            .withName("simulator")
            .withMaxSize(Integer.MAX_VALUE)
            .withCreateLatency(Latency.fixed(DEFAULT_BOOT));
    return new Scenario(name, scaler, cloud, DEFAULT_ACQUIRE_TIMEOUT, SHIPPED_TRACE_START);
  }

  public Scenario withName(String value) {
    return new Scenario(value, scaler, cloud, acquireTimeout, start);
  }

  public Scenario withCloud(SimulatedOptions value) {
    return new Scenario(name, scaler, value, acquireTimeout, start);
  }

  /** The same scenario with instances booting in {@code value}. */
  public Scenario withBoot(Latency value) {
    return withCloud(cloud.withCreateLatency(value));
  }

  /** The same scenario seeding the cloud's and the scaler's random draws with {@code value}. */
  public Scenario withSeed(long value) {
    return withCloud(cloud.withSeed(value));
  }

  public Scenario withAcquireTimeout(Duration value) {
    return new Scenario(name, scaler, cloud, value, start);
  }

  public Scenario withStart(Instant value) {
    return new Scenario(name, scaler, cloud, acquireTimeout, value);
  }
}
