package io.fleetscaler.core.scaler;

import io.fleetscaler.plugin.api.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Every call into the plugin goes through here: it is counted and timed per method ({@code
 * fleetscaler_plugin_calls_total} with {@code outcome} {@code ok}, {@code error}, or {@code
 * timeout} for a call that ran past its deadline, in this JVM ({@link DeadlineGroup}) or over the
 * wire; and {@code fleetscaler_plugin_call_duration_seconds}), and a method that starts failing is
 * logged once at WARN with its cause (category and message), then at most once per {@link
 * #WARN_EVERY} with the failures since, and once at INFO when it answers again. A cloud that is
 * down for an hour costs a dozen lines, not one per poll.
 *
 * <p>Thread-safe: {@code heartbeat} and {@code connect_info} run on connector threads beside the
 * provisioner's calls; each method's state is its own entry, changed atomically.
 */
final class PluginCalls {
  private static final System.Logger LOG = System.getLogger(TaskScaler.class.getName());

  /** The least time between two WARN lines for the same failing method. */
  static final Duration WARN_EVERY = Duration.ofMinutes(5);

  /** A method's failure streak: when it began, when it was last logged, failures since then. */
  private record Streak(Instant since, Instant warned, long failures, long unlogged) {}

  private final ScalerMetrics metrics;
  private final InstantSource clock;
  private final LongSupplier nanos;
  private final Map<String, Streak> failing = new ConcurrentHashMap<>();

  PluginCalls(ScalerMetrics metrics, InstantSource clock, LongSupplier nanos) {
    this.metrics = metrics;
    this.clock = clock;
    this.nanos = nanos;
  }

  /** Runs one call of {@code method}, counting, timing and logging its outcome; rethrows. */
  <T> T call(String method, Supplier<T> body) {
    long start = nanos.getAsLong();
    T result;
    try {
      result = body.get();
    } catch (RuntimeException e) {
      boolean late = e instanceof ProviderException.Unavailable u && u.deadlineExceeded();
      metrics.pluginCall(method, late ? "timeout" : "error", nanos.getAsLong() - start);
      failed(method, e);
      throw e;
    }
    metrics.pluginCall(method, true, nanos.getAsLong() - start);
    Streak s = failing.remove(method);
    if (s != null) {
      LOG.log(
          System.Logger.Level.INFO,
          "plugin {0} answers again after {1} failed call(s) since {2}",
          method,
          s.failures(),
          s.since());
    }
    return result;
  }

  /** Runs a call without a result. */
  void run(String method, Runnable body) {
    call(
        method,
        () -> {
          body.run();
          return Boolean.TRUE;
        });
  }

  /** Whether {@code method}'s last call failed. */
  boolean failing(String method) {
    return failing.containsKey(method);
  }

  private void failed(String method, RuntimeException e) {
    Instant now = clock.instant();
    boolean[] warn = {false};
    Streak s =
        failing.compute(
            method,
            (m, old) -> {
              if (old == null) {
                warn[0] = true;
                return new Streak(now, now, 1, 0);
              }
              if (!now.isBefore(old.warned().plus(WARN_EVERY))) {
                warn[0] = true;
                return new Streak(old.since(), now, old.failures() + 1, 0);
              }
              return new Streak(old.since(), old.warned(), old.failures() + 1, old.unlogged() + 1);
            });
    if (warn[0]) {
      LOG.log(
          System.Logger.Level.WARNING,
          "plugin {0} failed ({1} failure(s) since {2}; next report in {3} at the earliest): {4}",
          method,
          s.failures(),
          s.since(),
          WARN_EVERY,
          cause(e));
    }
  }

  /** The category and message of a failure, never its stack: plugin messages carry the status. */
  static String cause(RuntimeException e) {
    String category =
        e instanceof ProviderException p
            ? switch (p) {
              case ProviderException.NotFound n -> "not_found";
              case ProviderException.Unhealthy u -> "unhealthy";
              case ProviderException.Capacity c -> "capacity";
              case ProviderException.Unavailable u -> "unavailable";
              case ProviderException.InvalidConfig i -> "invalid_config";
              case ProviderException.Unsupported u -> "unsupported";
            }
            : e.getClass().getSimpleName();
    @Nullable String message = e.getMessage();
    return category + ": " + (message == null ? "(no message)" : message);
  }
}
