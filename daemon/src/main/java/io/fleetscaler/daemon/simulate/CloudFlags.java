package io.fleetscaler.daemon.simulate;

import io.fleetscaler.plugin.api.GoDuration;
import io.fleetscaler.plugin.simulated.SimulatedOptions;
import io.fleetscaler.plugin.simulated.SimulatedOptions.Latency;
import io.fleetscaler.simulator.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The {@code simulate} flags that every scenario of one call shares: the simulated cloud (boot,
 * deletion and resume times, injected failures, the seed), the wall-clock start, the acquire
 * timeout and the price of a suspended hour. A picocli mixin of {@link SimulateCommand}; owns the
 * validation of these flags: {@link #shared()} either returns them checked or throws an {@link
 * IllegalArgumentException} whose message names the flag.
 */
final class CloudFlags {

  @Option(
      names = "--boot",
      defaultValue = "60s",
      description = "Boot time: a duration, or a range MIN..MAX drawn uniformly (default: 60s).")
  String boot = "60s";

  @Option(
      names = "--delete-time",
      defaultValue = "5s",
      description = "Deletion time, a duration or MIN..MAX (default: 5s).")
  String deleteTime = "5s";

  @Option(
      names = "--resume",
      description =
          "Resume time of a suspended instance, a duration or MIN..MAX; given, the simulated cloud"
              + " can suspend and resume (standby pools). Suspending takes the deletion time.")
  @Nullable String resume;

  @Option(
      names = "--standby-cost",
      defaultValue = "0.05",
      description =
          "What a suspended instance-hour costs as a fraction of a running one, for the"
              + " cost-equivalent hours (default: 0.05, a small VM's disk against its hourly"
              + " price).")
  double standbyCost = 0.05;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seeds every random draw (default: 1).")
  long seed = 1;

  @Option(
      names = "--start",
      defaultValue = "2020-02-03T00:01:15Z",
      description =
          "Wall-clock time of the trace's time 0, for cron periods (default: the shipped trace's"
              + " first job, ${DEFAULT-VALUE}).")
  String start = "2020-02-03T00:01:15Z";

  @Option(
      names = "--acquire-timeout",
      defaultValue = "24h",
      description = "A job waiting longer than this from its arrival is dropped (default: 24h).")
  String acquireTimeout = "24h";

  @Option(
      names = "--boot-failure-probability",
      defaultValue = "0",
      description = "Injected failure: chance that an instance fails to boot (default: 0).")
  double bootFailureProbability;

  @Option(
      names = "--loss-rate-per-hour",
      defaultValue = "0",
      description = "Injected failure: running instances lost per instance-hour (default: 0).")
  double lossRatePerHour;

  @Option(
      names = "--capacity-limit",
      description = "Injected failure: the cloud refuses instances beyond this many (stock-out).")
  @Nullable Integer capacityLimit;

  /**
   * The checked settings; throws {@link IllegalArgumentException} naming the first invalid flag.
   */
  Shared shared() {
    SimulatedOptions cloud =
        Scenario.of("base", b -> b)
            .cloud()
            .withCreateLatency(latency("--boot", boot))
            .withDeleteLatency(latency("--delete-time", deleteTime))
            .withBootFailureProbability(bootFailureProbability)
            .withLossRatePerHour(lossRatePerHour)
            .withSeed(seed);
    if (capacityLimit != null) {
      cloud = cloud.withCapacityLimit(capacityLimit);
    }
    if (resume != null) {
      cloud =
          cloud
              .withSuspendResume(true)
              .withResumeLatency(latency("--resume", resume))
              .withSuspendLatency(cloud.deleteLatency());
    }
    if (!(standbyCost >= 0) || !Double.isFinite(standbyCost)) {
      throw new IllegalArgumentException(
          "--standby-cost: must be a finite number >= 0, got " + standbyCost);
    }
    Duration timeout = GoDuration.parse(acquireTimeout);
    Instant at;
    try {
      at = Instant.parse(start);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--start: expected an ISO-8601 instant like 2020-02-03T00:01:15Z, got " + start, e);
    }
    return new Shared(cloud, timeout, at, standbyCost);
  }

  /** {@code 60s}, or {@code 45s..90s} for a uniform draw. */
  private static Latency latency(String option, String text) {
    int dots = text.indexOf("..");
    try {
      if (dots < 0) {
        return Latency.fixed(GoDuration.parse(text));
      }
      Duration min = GoDuration.parse(text.substring(0, dots));
      Duration max = GoDuration.parse(text.substring(dots + 2));
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException("the range's end is before its start");
      }
      return new Latency(min, max.minus(min));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage() + " in '" + text + "'", e);
    }
  }

  /** What every scenario of one call shares, checked. */
  record Shared(
      SimulatedOptions cloud, Duration acquireTimeout, Instant start, double standbyCost) {

    /** {@code scenario} on this cloud, with this timeout, start and standby price. */
    Scenario applyTo(Scenario scenario) {
      return scenario
          .withCloud(cloud)
          .withAcquireTimeout(acquireTimeout)
          .withStart(start)
          .withStandbyCost(standbyCost);
    }
  }
}
