package io.fleetscaler.plugin.aws;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard the plugin retries and how long it waits for AWS. The SDK's own retries are kept modest
 * (3 attempts, short backoff, a longer one after throttling) because the scaler above retries every
 * retryable failure on its next cycle anyway: a plugin call that blocks for a minute only delays
 * the scaler's view of the fleet.
 *
 * @param maxAttempts attempts per SDK call, including the first; at least 1
 * @param backoffBase the base of the exponential backoff after a transient error
 * @param throttlingBackoffBase the base of the exponential backoff after a throttling error
 * @param maxBackoff the longest single backoff
 * @param connectTimeout TCP connect timeout
 * @param attemptTimeout the longest single HTTP attempt
 * @param callTimeout the longest SDK call, all attempts included
 * @param sleeper how the plugin's own retries (of terminations) and its polls while resuming wait
 * @param resumeWait how long {@code resume} waits for started instances to be {@code running}
 *     before it gives up with a retryable error; well below the host's call deadline
 * @param resumePoll how often {@code resume} looks while it waits
 */
record AwsTuning(
    int maxAttempts,
    Duration backoffBase,
    Duration throttlingBackoffBase,
    Duration maxBackoff,
    Duration connectTimeout,
    Duration attemptTimeout,
    Duration callTimeout,
    Sleeper sleeper,
    Duration resumeWait,
    Duration resumePoll) {

  AwsTuning {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
    }
    Objects.requireNonNull(backoffBase, "backoffBase");
    Objects.requireNonNull(throttlingBackoffBase, "throttlingBackoffBase");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(attemptTimeout, "attemptTimeout");
    Objects.requireNonNull(callTimeout, "callTimeout");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(resumeWait, "resumeWait");
    Objects.requireNonNull(resumePoll, "resumePoll");
    if (resumePoll.isNegative() || resumePoll.isZero()) {
      throw new IllegalArgumentException("resumePoll must be > 0, was " + resumePoll);
    }
  }

  /** What the plugin uses in production. */
  static AwsTuning defaults() {
    return new AwsTuning(
        3,
        Duration.ofMillis(100),
        Duration.ofMillis(500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        Duration.ofSeconds(15),
        Duration.ofSeconds(45),
        Sleeper.SYSTEM,
        Duration.ofSeconds(60),
        Duration.ofSeconds(2));
  }

  AwsTuning withTimeouts(Duration attempt, Duration call) {
    return new AwsTuning(
        maxAttempts,
        backoffBase,
        throttlingBackoffBase,
        maxBackoff,
        connectTimeout,
        attempt,
        call,
        sleeper,
        resumeWait,
        resumePoll);
  }

  AwsTuning withBackoff(Duration base, Duration throttlingBase, Duration max, Sleeper sleeper) {
    return new AwsTuning(
        maxAttempts,
        base,
        throttlingBase,
        max,
        connectTimeout,
        attemptTimeout,
        callTimeout,
        sleeper,
        resumeWait,
        resumePoll);
  }

  AwsTuning withResumeWait(Duration wait, Duration poll) {
    return new AwsTuning(
        maxAttempts,
        backoffBase,
        throttlingBackoffBase,
        maxBackoff,
        connectTimeout,
        attemptTimeout,
        callTimeout,
        sleeper,
        wait,
        poll);
  }

  /** How many polls {@code resume} makes at most while it waits for {@code running}. */
  int resumePolls() {
    return (int) Math.max(1, Math.min(10_000, resumeWait.toNanos() / resumePoll.toNanos()));
  }

  /** Waits between the plugin's own retries; injected so tests need not wait. */
  @FunctionalInterface
  interface Sleeper {
    Sleeper SYSTEM = d -> Thread.sleep(d);

    void sleep(Duration duration) throws InterruptedException;
  }
}
