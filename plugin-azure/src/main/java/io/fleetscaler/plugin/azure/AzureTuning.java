package io.fleetscaler.plugin.azure;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard the plugin retries and how long it waits for Azure Resource Manager. Retries are kept
 * modest because the scaler retries every retryable failure on its next cycle anyway.
 *
 * @param maxRetries retries per HTTP request after the first attempt (5xx, 408, lost answers, and
 *     429 within {@code maxRetryAfter})
 * @param retryBase the base of the exponential backoff between retries
 * @param maxRetryDelay the longest backoff between retries
 * @param maxRetryAfter the longest {@code Retry-After} the plugin waits out itself; a longer one
 *     fails the call as retryable, and the scaler's backoff takes over
 * @param connectTimeout TCP and TLS connect timeout
 * @param responseTimeout the longest wait for one answer
 * @param pollInterval how often a long-running operation is polled when Azure does not say
 * @param operationTimeout the longest wait for one long-running operation; after it the call
 *     returns and later updates show the outcome
 * @param writeReserve when ARM reports fewer remaining writes than this, increase refuses as
 *     throttled instead of spending the last ones
 */
record AzureTuning(
    int maxRetries,
    Duration retryBase,
    Duration maxRetryDelay,
    Duration maxRetryAfter,
    Duration connectTimeout,
    Duration responseTimeout,
    Duration pollInterval,
    Duration operationTimeout,
    int writeReserve) {

  AzureTuning {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
    }
    Objects.requireNonNull(retryBase, "retryBase");
    Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
    Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(operationTimeout, "operationTimeout");
  }

  /** What the plugin uses in production. */
  static AzureTuning defaults() {
    return new AzureTuning(
        3,
        Duration.ofMillis(200),
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(5),
        Duration.ofSeconds(60),
        10);
  }

  AzureTuning withPolling(Duration interval, Duration timeout) {
    return new AzureTuning(
        maxRetries,
        retryBase,
        maxRetryDelay,
        maxRetryAfter,
        connectTimeout,
        responseTimeout,
        interval,
        timeout,
        writeReserve);
  }

  AzureTuning withRetries(int retries, Duration base, Duration maxAfter) {
    return new AzureTuning(
        retries,
        base,
        maxRetryDelay,
        maxAfter,
        connectTimeout,
        responseTimeout,
        pollInterval,
        operationTimeout,
        writeReserve);
  }

  AzureTuning withResponseTimeout(Duration timeout) {
    return new AzureTuning(
        maxRetries,
        retryBase,
        maxRetryDelay,
        maxRetryAfter,
        connectTimeout,
        timeout,
        pollInterval,
        operationTimeout,
        writeReserve);
  }
}
