package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.simulated.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Plugin calls: counted per method and outcome; a failing method is logged once, politely. */
class PluginCallsTest {
  private final ManualClock clock = new ManualClock();
  private final ScalerMetrics metrics = new ScalerMetrics(Map::of, Map::of, () -> 0, 1, 1, 0);
  private final long[] nanos = {0};
  private final PluginCalls calls = new PluginCalls(metrics, clock, () -> nanos[0] += 1_000);
  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Logger logger = Logger.getLogger(TaskScaler.class.getName());
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          logged.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void listen() {
    logger.addHandler(handler);
  }

  @AfterEach
  void stopListening() {
    logger.removeHandler(handler);
  }

  private void fail(String method, String message) {
    assertThatThrownBy(
            () ->
                calls.call(
                    method,
                    () -> {
                      throw new ProviderException.Unavailable(message);
                    }))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessage(message);
  }

  private List<LogRecord> at(Level level) {
    return logged.stream().filter(r -> r.getLevel().equals(level)).toList();
  }

  private static String text(LogRecord r) {
    return java.text.MessageFormat.format(r.getMessage(), r.getParameters());
  }

  @Test
  void aFailingMethodIsWarnedOnceWithItsCauseThenAtMostEveryFiveMinutesAndRecoveryOnce() {
    for (int i = 0; i < 10; i++) {
      fail("update", "DescribeAutoScalingGroups: 503 ServiceUnavailable");
      clock.advance(Duration.ofSeconds(2));
    }
    assertThat(at(Level.WARNING)).hasSize(1);
    assertThat(text(at(Level.WARNING).get(0)))
        .contains("update")
        .contains("unavailable: DescribeAutoScalingGroups: 503 ServiceUnavailable");

    clock.advance(PluginCalls.WARN_EVERY);
    fail("update", "DescribeAutoScalingGroups: 503 ServiceUnavailable");
    assertThat(at(Level.WARNING)).hasSize(2);
    assertThat(text(at(Level.WARNING).get(1))).contains("11 failure(s)");

    // Another method failing is its own line.
    fail("increase", "SetDesiredCapacity: 500 InternalFailure");
    assertThat(at(Level.WARNING)).hasSize(3);

    assertThat(calls.call("update", () -> 1)).isOne();
    assertThat(calls.call("update", () -> 2)).isEqualTo(2);
    assertThat(at(Level.INFO)).hasSize(1);
    assertThat(text(at(Level.INFO).get(0))).contains("update").contains("11 failed call(s)");
    assertThat(calls.failing("update")).isFalse();
    assertThat(calls.failing("increase")).isTrue();

    assertThat(metrics.count("fleetscaler_plugin_calls_total", "method|outcome", "update|error"))
        .isEqualTo(11);
    assertThat(metrics.count("fleetscaler_plugin_calls_total", "method|outcome", "update|ok"))
        .isEqualTo(2);
    assertThat(metrics.count("fleetscaler_plugin_calls_total", "method|outcome", "increase|error"))
        .isOne();
  }

  @Test
  void aCallPastItsDeadlineIsCountedAsATimeoutNotAnError() {
    assertThatThrownBy(
            () ->
                calls.call(
                    "update",
                    () -> {
                      // As the wire reads DEADLINE_EXCEEDED, and DeadlineGroup its own deadline.
                      throw ProviderException.Unavailable.deadlineExceeded(
                          "plugin aws Update: deadline exceeded after 299.9s", null);
                    }))
        .isInstanceOf(ProviderException.Unavailable.class);

    assertThat(metrics.count("fleetscaler_plugin_calls_total", "method|outcome", "update|timeout"))
        .isOne();
    assertThat(metrics.count("fleetscaler_plugin_calls_total", "method|outcome", "update|error"))
        .isZero();
    assertThat(text(at(Level.WARNING).get(0))).contains("unavailable: plugin aws Update: deadline");
  }

  @Test
  void anUnexpectedExceptionIsReportedByItsTypeAndRethrown() {
    assertThatThrownBy(
            () ->
                calls.run(
                    "decrease",
                    () -> {
                      throw new IllegalStateException("channel closed");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(text(at(Level.WARNING).get(0))).contains("IllegalStateException: channel closed");
  }
}
