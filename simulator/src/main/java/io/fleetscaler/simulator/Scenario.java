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
 * @param standbyCost what a suspended instance-hour costs as a fraction of a running one, for the
 *     cost-equivalent hours (see {@link #DEFAULT_STANDBY_COST})
 */
public record Scenario(
    String name,
    UnaryOperator<TaskScaler.Builder> scaler,
    SimulatedOptions cloud,
    Duration acquireTimeout,
    Instant start,
    double standbyCost) {

  /**
   * A suspended instance-hour at 5% of a running one: a stopped VM bills only its disk (and a
   * reserved public address, if any). Approximate on-demand list prices, us-east, 2024-2025: a
   * small runner VM (AWS t3.medium $0.0416/h, GCP e2-medium $0.0335/h, Azure B2s $0.0416/h) against
   * a 20-32 GB boot disk ($0.0011-0.0035/h: AWS gp3 $0.08/GB-month, GCP pd-standard $0.04 to
   * pd-balanced $0.10, Azure Standard HDD S4 to Standard SSD E4) is 3-8%; 0.05 is the middle. See
   * docs/standby.md.
   */
  public static final double DEFAULT_STANDBY_COST = 0.05;

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
    if (!(standbyCost >= 0) || !Double.isFinite(standbyCost)) {
      throw new IllegalArgumentException("standbyCost must be finite and >= 0, got " + standbyCost);
    }
  }

  /** A scenario pricing suspended hours at {@link #DEFAULT_STANDBY_COST}. */
  public Scenario(
      String name,
      UnaryOperator<TaskScaler.Builder> scaler,
      SimulatedOptions cloud,
      Duration acquireTimeout,
      Instant start) {
    this(name, scaler, cloud, acquireTimeout, start, DEFAULT_STANDBY_COST);
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
    return new Scenario(value, scaler, cloud, acquireTimeout, start, standbyCost);
  }

  public Scenario withCloud(SimulatedOptions value) {
    return new Scenario(name, scaler, value, acquireTimeout, start, standbyCost);
  }

  /**
   * The same scenario on a cloud that can suspend and resumes in {@code value} (suspending takes
   * the deletion time).
   */
  public Scenario withResume(Latency value) {
    return withCloud(
        cloud
            .withSuspendResume(true)
            .withResumeLatency(value)
            .withSuspendLatency(cloud.deleteLatency()));
  }

  /** The same scenario pricing a suspended instance-hour at {@code value} of a running one. */
  public Scenario withStandbyCost(double value) {
    return new Scenario(name, scaler, cloud, acquireTimeout, start, value);
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
    return new Scenario(name, scaler, cloud, value, start, standbyCost);
  }

  public Scenario withStart(Instant value) {
    return new Scenario(name, scaler, cloud, acquireTimeout, value, standbyCost);
  }
}
