package io.fleetscaler.plugin.gcp;

import com.google.api.gax.core.CredentialsProvider;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Timeouts and retry bounds of the Google Cloud plugin, and the seams tests steer. Production code
 * uses {@link #defaults()}.
 *
 * @param callTimeout the total time one API call may take, its own retries included
 * @param callAttempts how many attempts gax makes for calls it retries (reads)
 * @param operationTimeout how long a {@code Operation} is awaited before the call is reported as
 *     still running (an ambiguity later updates settle)
 * @param operationPoll the pause between two polls of a running {@code Operation}
 * @param sleeper how that pause is taken; tests advance a manual clock instead of sleeping
 * @param sshKeyLifetime how long an SSH key added to an instance's metadata is honoured
 * @param pageSize {@code maxResults} for {@code listManagedInstances}
 * @param credentials credentials to use instead of the configured or default ones (tests), or null
 */
record GcpTuning(
    Duration callTimeout,
    int callAttempts,
    Duration operationTimeout,
    Duration operationPoll,
    Sleeper sleeper,
    Duration sshKeyLifetime,
    int pageSize,
    @Nullable CredentialsProvider credentials) {

  /** Pauses the calling thread. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  GcpTuning {
    Objects.requireNonNull(callTimeout, "callTimeout");
    Objects.requireNonNull(operationTimeout, "operationTimeout");
    Objects.requireNonNull(operationPoll, "operationPoll");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(sshKeyLifetime, "sshKeyLifetime");
    if (callAttempts < 1) {
      throw new IllegalArgumentException("callAttempts must be >= 1, was " + callAttempts);
    }
    if (pageSize < 1 || pageSize > 500) {
      throw new IllegalArgumentException("pageSize must be in 1..500, was " + pageSize);
    }
  }

  /** Production values: 30 s per call, 3 attempts, operations awaited up to 2 minutes. */
  static GcpTuning defaults() {
    return new GcpTuning(
        Duration.ofSeconds(30),
        3,
        Duration.ofMinutes(2),
        Duration.ofSeconds(1),
        d -> Thread.sleep(d.toMillis()),
        Duration.ofMinutes(5),
        500,
        null);
  }

  GcpTuning withSleeper(Sleeper value) {
    return new GcpTuning(
        callTimeout,
        callAttempts,
        operationTimeout,
        operationPoll,
        value,
        sshKeyLifetime,
        pageSize,
        credentials);
  }

  GcpTuning withCredentials(CredentialsProvider value) {
    return new GcpTuning(
        callTimeout,
        callAttempts,
        operationTimeout,
        operationPoll,
        sleeper,
        sshKeyLifetime,
        pageSize,
        value);
  }

  GcpTuning withCallTimeout(Duration value) {
    return new GcpTuning(
        value,
        callAttempts,
        operationTimeout,
        operationPoll,
        sleeper,
        sshKeyLifetime,
        pageSize,
        credentials);
  }

  GcpTuning withPageSize(int value) {
    return new GcpTuning(
        callTimeout,
        callAttempts,
        operationTimeout,
        operationPoll,
        sleeper,
        sshKeyLifetime,
        value,
        credentials);
  }
}
