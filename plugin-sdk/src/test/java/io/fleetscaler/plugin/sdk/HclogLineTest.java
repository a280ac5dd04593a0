package io.fleetscaler.plugin.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class HclogLineTest {

  @Test
  void readsLevelMessageModuleAndFields() {
    var line =
        HclogLine.parse(
                "{\"@level\":\"warn\",\"@message\":\"slow\",\"@module\":\"aws\","
                    + "\"@timestamp\":\"2026-01-01T00:00:00Z\",\"took\":3.5,\"ids\":[\"a\",\"b\"]}")
            .orElseThrow();
    assertThat(line.level()).isEqualTo(Level.WARNING);
    assertThat(line.render()).isEqualTo("[aws] slow took=3.5 ids=[\"a\",\"b\"]");
  }

  @Test
  void plainTextIsNotJson() {
    assertThat(HclogLine.parse("panic: runtime error")).isEmpty();
    assertThat(HclogLine.parse("{not json")).isEmpty();
  }

  @Test
  void whatThePluginLoggerWritesTheRelayReadsBack() {
    var bytes = new ByteArrayOutputStream();
    var logger =
        new JsonLineLogger(
            "memory",
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
            Level.DEBUG);
    logger.log(Level.ERROR, "quote \" and newline\n {0}", 42);
    logger.log(Level.TRACE, "below the threshold");
    String written = bytes.toString(StandardCharsets.UTF_8);
    assertThat(written.lines()).hasSize(1);
    assertThat(written).contains("\"@timestamp\":\"1970-01-01T00:00:00.000000Z\"");
    var line = HclogLine.parse(written.strip()).orElseThrow();
    assertThat(line.level()).isEqualTo(Level.ERROR);
    assertThat(line.message()).isEqualTo("quote \" and newline\n 42");
    assertThat(line.module()).isEqualTo("memory");
  }
}
