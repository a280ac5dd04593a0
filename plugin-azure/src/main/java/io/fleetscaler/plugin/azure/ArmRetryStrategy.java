package io.fleetscaler.plugin.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.RetryStrategy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Retries what Azure documents as transient (408, 5xx but 501 and 505, lost answers) with a capped
 * exponential backoff, and 429 only when its {@code Retry-After} (or {@code retry-after-ms}, {@code
 * x-ms-retry-after-ms}) is within {@link AzureTuning#maxRetryAfter()}: the SDK's retry policy then
 * waits exactly that long. A longer wait fails the call as throttled, and the scaler's own backoff
 * takes over instead of a plugin call blocking for minutes.
 */
final class ArmRetryStrategy implements RetryStrategy {

  private final AzureTuning tuning;

  ArmRetryStrategy(AzureTuning tuning) {
    this.tuning = tuning;
  }

  @Override
  public int getMaxRetries() {
    return tuning.maxRetries();
  }

  @Override
  public Duration calculateRetryDelay(int retryAttempts) {
    long base = tuning.retryBase().toMillis();
    long delay = base << Math.min(retryAttempts, 20);
    return Duration.ofMillis(Math.min(delay, tuning.maxRetryDelay().toMillis()));
  }

  @Override
  public boolean shouldRetry(HttpResponse response) {
    int status = response.getStatusCode();
    boolean transientStatus =
        status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
    if (!transientStatus) {
      return false;
    }
    return retryAfter(response).map(d -> d.compareTo(tuning.maxRetryAfter()) <= 0).orElse(true);
  }

  /**
   * Retries lost, refused and timed-out answers only: a credential that cannot get a token, or any
   * other failure before the request left, would fail the same way again.
   */
  @Override
  public boolean shouldRetryException(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IOException
          || t instanceof UncheckedIOException
          || t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** The wait Azure asked for in {@code response}, if it asked. */
  static Optional<Duration> retryAfter(HttpResponse response) {
    for (String header : new String[] {"retry-after-ms", "x-ms-retry-after-ms"}) {
      String value = response.getHeaders().getValue(HttpHeaderName.fromString(header));
      if (value != null) {
        try {
          return Optional.of(Duration.ofMillis(Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
          // Fall through to the next header.
        }
      }
    }
    String value = response.getHeaders().getValue(HttpHeaderName.fromString("Retry-After"));
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException unparsable) {
        return Optional.empty();
      }
    }
  }
}
