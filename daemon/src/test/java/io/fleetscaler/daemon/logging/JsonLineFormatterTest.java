package io.fleetscaler.daemon.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class JsonLineFormatterTest {

  @Test
  void writesOneEscapedObjectPerLine() {
    LogRecord r = new LogRecord(Level.WARNING, "bad \"value\" in {0}\nnext\tline \u0001");
    r.setParameters(new Object[] {"f.toml"});
    r.setLoggerName("io.fleetscaler.daemon.reload");
    r.setInstant(Instant.parse("2026-01-02T03:04:05.678Z"));

    String line = new JsonLineFormatter().format(r);

    assertThat(line)
        .isEqualTo(
            "{\"time\":\"2026-01-02T03:04:05.678Z\",\"level\":\"WARNING\","
                + "\"logger\":\"io.fleetscaler.daemon.reload\","
                + "\"msg\":\"bad \\\"value\\\" in f.toml\\nnext\\tline \\u0001\"}\n");
  }

  @Test
  void aThrowableBecomesTheErrorFieldOnTheSameLine() {
    LogRecord r = new LogRecord(Level.SEVERE, "failed");
    r.setThrown(new IllegalStateException("boom"));

    String line = new JsonLineFormatter().format(r);

    assertThat(line).endsWith("}\n").contains("\"logger\":null");
    assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n");
    assertThat(line).contains("\"error\":\"java.lang.IllegalStateException: boom\\n\\tat ");
  }
}
