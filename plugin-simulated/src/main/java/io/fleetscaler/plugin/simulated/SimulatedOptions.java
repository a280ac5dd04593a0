package io.fleetscaler.plugin.simulated;

import io.fleetscaler.plugin.api.ProviderException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * How a {@link SimulatedInstanceGroup} behaves; the typed form of its {@code plugin_config} JSON.
 * Build one from {@link #defaults()} with the {@code with…} methods and pass {@link #toJson()} to
 * {@link SimulatedInstanceGroup#init}, or let {@link #fromJson} read an operator's configuration.
 *
 * <p>JSON keys (all optional; unknown keys are rejected):
 *
 * <ul>
 *   <li>{@code name} (string, default {@code "default"}): the group is {@code simulated/<name>}
 *   <li>{@code max_size} (integer &ge; 1, default 100): the most instances the group holds
 *   <li>{@code capacity_limit} (integer &ge; 0, default unlimited): a cloud-side stock-out below
 *       {@code max_size}; see {@link SimulatedInstanceGroup#increase}
 *   <li>{@code create_latency}, {@code create_latency_jitter} (Go durations, default {@code 30s}
 *       and {@code 0s}): an instance boots in {@code latency + uniform[0, jitter]}
 *   <li>{@code delete_latency}, {@code delete_latency_jitter} (default {@code 5s} and {@code 0s})
 *   <li>{@code boot_failure_probability} (0 to 1, default 0): chance that a new instance ends in
 *       {@code timeout} instead of {@code running}
 *   <li>{@code loss_rate_per_hour} (&ge; 0, default 0): each running instance vanishes after an
 *       exponentially distributed time with this rate, like a reclaimed spot instance
 *   <li>{@code seed} (integer, default 1): seeds every random draw
 *   <li>{@code suspend_resume} (boolean, default false): declare and implement suspend/resume
 *   <li>{@code suspend_latency}, {@code suspend_latency_jitter} (default {@code 5s} and {@code
 *       0s}): how long an instance stays {@code suspending}
 *   <li>{@code resume_latency}, {@code resume_latency_jitter} (default {@code 30s} and {@code 0s}):
 *       how long an instance stays {@code resuming}; a resumed instance skips the boot
 * </ul>
 *
 * @param name the group's name, non-empty
 * @param maxSize the most instances the group holds, at least 1
 * @param capacityLimit the most live instances the cloud will hand out, {@link Integer#MAX_VALUE}
 *     for no limit beyond {@code maxSize}
 * @param createLatency how long an instance stays {@code creating}
 * @param deleteLatency how long an instance stays {@code deleting}
 * @param bootFailureProbability chance in [0, 1] that an instance ends in {@code timeout}
 * @param lossRatePerHour expected random losses per running instance-hour, at least 0
 * @param seed the seed of every random draw
 * @param suspendResume whether suspend/resume is declared and implemented
 * @param suspendLatency how long an instance stays {@code suspending}
 * @param resumeLatency how long an instance stays {@code resuming}
 */
public record SimulatedOptions(
    String name,
    int maxSize,
    int capacityLimit,
    Latency createLatency,
    Latency deleteLatency,
    double bootFailureProbability,
    double lossRatePerHour,
    long seed,
    boolean suspendResume,
    Latency suspendLatency,
    Latency resumeLatency) {

  /** No capacity limit beyond {@code maxSize}. */
  public static final int UNLIMITED = Integer.MAX_VALUE;

  public SimulatedOptions {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(createLatency, "createLatency");
    Objects.requireNonNull(deleteLatency, "deleteLatency");
    Objects.requireNonNull(suspendLatency, "suspendLatency");
    Objects.requireNonNull(resumeLatency, "resumeLatency");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name is empty");
    }
    if (maxSize < 1) {
      throw new IllegalArgumentException("maxSize must be >= 1, was " + maxSize);
    }
    if (capacityLimit < 0) {
      throw new IllegalArgumentException("capacityLimit must be >= 0, was " + capacityLimit);
    }
    if (!(bootFailureProbability >= 0 && bootFailureProbability <= 1)) {
      throw new IllegalArgumentException(
          "bootFailureProbability must be in [0, 1], was " + bootFailureProbability);
    }
    if (!(lossRatePerHour >= 0 && Double.isFinite(lossRatePerHour))) {
      throw new IllegalArgumentException(
          "lossRatePerHour must be finite and >= 0, was " + lossRatePerHour);
    }
  }

  /** Options whose suspension takes 5 s and resume 30 s (the defaults). */
  public SimulatedOptions(
      String name,
      int maxSize,
      int capacityLimit,
      Latency createLatency,
      Latency deleteLatency,
      double bootFailureProbability,
      double lossRatePerHour,
      long seed,
      boolean suspendResume) {
    this(
        name,
        maxSize,
        capacityLimit,
        createLatency,
        deleteLatency,
        bootFailureProbability,
        lossRatePerHour,
        seed,
        suspendResume,
        Latency.fixed(Duration.ofSeconds(5)),
        Latency.fixed(Duration.ofSeconds(30)));
  }

  /**
   * A latency of {@code base} plus a uniformly drawn extra in {@code [0, jitter]}, at millisecond
   * granularity for the extra.
   *
   * @param base the least latency, not negative
   * @param jitter the most extra latency, not negative
   */
  public record Latency(Duration base, Duration jitter) {
    public Latency {
      Objects.requireNonNull(base, "base");
      Objects.requireNonNull(jitter, "jitter");
      if (base.isNegative() || jitter.isNegative()) {
        throw new IllegalArgumentException(
            "latency must not be negative, was base=" + base + " jitter=" + jitter);
      }
    }

    /** Always exactly {@code d}. */
    public static Latency fixed(Duration d) {
      return new Latency(d, Duration.ZERO);
    }

    /** Draws one latency; draws nothing from {@code random} when there is no jitter. */
    Duration draw(RandomGenerator random) {
      if (jitter.isZero()) {
        return base;
      }
      long extraMillis = random.nextLong(jitter.toMillis() + 1);
      return base.plusMillis(extraMillis);
    }
  }

  /** The defaults listed in the class documentation. */
  public static SimulatedOptions defaults() {
    return new SimulatedOptions(
        "default",
        100,
        UNLIMITED,
        Latency.fixed(Duration.ofSeconds(30)),
        Latency.fixed(Duration.ofSeconds(5)),
        0,
        0,
        1,
        false);
  }

  /**
   * Reads a {@code plugin_config} JSON object; absent keys keep their defaults.
   *
   * @throws ProviderException.InvalidConfig naming every bad or unknown key at once
   */
  public static SimulatedOptions fromJson(String json) {
    return SimulatedConfigReader.read(json);
  }

  /** The JSON object that {@link #fromJson} reads back into these options. */
  public String toJson() {
    return SimulatedConfigReader.write(this);
  }

  public SimulatedOptions withName(String value) {
    return copy(c -> c.name = value);
  }

  public SimulatedOptions withMaxSize(int value) {
    return copy(c -> c.maxSize = value);
  }

  public SimulatedOptions withCapacityLimit(int value) {
    return copy(c -> c.capacityLimit = value);
  }

  public SimulatedOptions withCreateLatency(Latency value) {
    return copy(c -> c.createLatency = value);
  }

  public SimulatedOptions withDeleteLatency(Latency value) {
    return copy(c -> c.deleteLatency = value);
  }

  /** The same options with suspension taking {@code value}. */
  public SimulatedOptions withSuspendLatency(Latency value) {
    return copy(c -> c.suspendLatency = value);
  }

  /** The same options with a resume taking {@code value}. */
  public SimulatedOptions withResumeLatency(Latency value) {
    return copy(c -> c.resumeLatency = value);
  }

  /** Every latency fixed at zero: instances are running, suspended or gone at the next update. */
  public SimulatedOptions withNoLatency() {
    return withCreateLatency(Latency.fixed(Duration.ZERO))
        .withDeleteLatency(Latency.fixed(Duration.ZERO))
        .withSuspendLatency(Latency.fixed(Duration.ZERO))
        .withResumeLatency(Latency.fixed(Duration.ZERO));
  }

  public SimulatedOptions withBootFailureProbability(double value) {
    return copy(c -> c.bootFailureProbability = value);
  }

  public SimulatedOptions withLossRatePerHour(double value) {
    return copy(c -> c.lossRatePerHour = value);
  }

  public SimulatedOptions withSeed(long value) {
    return copy(c -> c.seed = value);
  }

  public SimulatedOptions withSuspendResume(boolean value) {
    return copy(c -> c.suspendResume = value);
  }

  /**
   * These options with the fields {@code change} sets changed: the one place that lists them all.
   */
  private SimulatedOptions copy(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return new SimulatedOptions(
        c.name,
        c.maxSize,
        c.capacityLimit,
        c.createLatency,
        c.deleteLatency,
        c.bootFailureProbability,
        c.lossRatePerHour,
        c.seed,
        c.suspendResume,
        c.suspendLatency,
        c.resumeLatency);
  }

  /** The fields of a {@link SimulatedOptions} being changed by a {@code with…} method. */
  private static final class Copy {
    String name;
    int maxSize;
    int capacityLimit;
    Latency createLatency;
    Latency deleteLatency;
    double bootFailureProbability;
    double lossRatePerHour;
    long seed;
    boolean suspendResume;
    Latency suspendLatency;
    Latency resumeLatency;

    Copy(SimulatedOptions o) {
      name = o.name;
      maxSize = o.maxSize;
      capacityLimit = o.capacityLimit;
      createLatency = o.createLatency;
      deleteLatency = o.deleteLatency;
      bootFailureProbability = o.bootFailureProbability;
      lossRatePerHour = o.lossRatePerHour;
      seed = o.seed;
      suspendResume = o.suspendResume;
      suspendLatency = o.suspendLatency;
      resumeLatency = o.resumeLatency;
    }
  }
}
