package io.fleetscaler.plugin.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** A relayed line carries the host's time, level and logger once, not the plugin's again. */
class StderrRelayTest {
  private final List<String> lines = new ArrayList<>();

  private final System.Logger log =
      new System.Logger() {
        @Override
        public String getName() {
          return "plugin.aws";
        }

        @Override
        public boolean isLoggable(Level level) {
          return true;
        }

        @Override
        public void log(
            Level level,
            @Nullable ResourceBundle bundle,
            @Nullable String msg,
            @Nullable Throwable t) {
          lines.add(level + " " + msg);
        }

        @Override
        public void log(
            Level level,
            @Nullable ResourceBundle bundle,
            @Nullable String format,
            @Nullable Object... params) {
          lines.add(level + " " + format);
        }

        @Override
        public void log(Level level, Supplier<String> msg) {
          lines.add(level + " " + msg.get());
        }
      };

  @Test
  void aJavaLoggingTextLineLosesItsTimeAndTakesItsLevel() {
    StderrRelay.relay(
        log, "aws", "2026-12-06 01:02:03.456 WARNING io.fleetscaler.plugin.aws.Ec2 - throttled");

    assertThat(lines).containsExactly("WARNING io.fleetscaler.plugin.aws.Ec2 - throttled");
  }

  @Test
  void anHclogLineOfThePluginsOwnModuleIsNotNamedTwice() {
    StderrRelay.relay(
        log,
        "aws",
        "{\"@level\":\"info\",\"@message\":\"serving\",\"@module\":\"aws\","
            + "\"@timestamp\":\"2026-12-06T01:02:03.456000Z\"}");
    StderrRelay.relay(
        log,
        "aws",
        "{\"@level\":\"info\",\"@message\":\"hi\",\"@module\":\"aws.sdk\","
            + "\"@timestamp\":\"2026-12-06T01:02:03.456000Z\"}");

    assertThat(lines).containsExactly("INFO serving", "INFO [aws.sdk] hi");
  }

  @Test
  void anyOtherLineIsRelayedAsItIs() {
    StderrRelay.relay(log, "aws", "panic: runtime error");

    assertThat(lines).containsExactly("INFO panic: runtime error");
  }
}
