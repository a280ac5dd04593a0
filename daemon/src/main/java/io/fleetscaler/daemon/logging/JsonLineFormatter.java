package io.fleetscaler.daemon.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import org.jspecify.annotations.Nullable;

/**
 * One JSON object per record on one line: {@code time} (ISO-8601 UTC), {@code level}, {@code
 * logger}, {@code msg}, and {@code error} with the stack trace when the record has one. Newlines
 * inside values are escaped, so a record never spans two lines. Thread-safe (stateless).
 */
final class JsonLineFormatter extends Formatter {

  @Override
  public String format(LogRecord record) {
    StringBuilder s = new StringBuilder(160);
    s.append("{\"time\":");
    string(s, DateTimeFormatter.ISO_INSTANT.format(record.getInstant()));
    s.append(",\"level\":");
    string(s, record.getLevel().getName());
    s.append(",\"logger\":");
    string(s, record.getLoggerName());
    s.append(",\"msg\":");
    string(s, formatMessage(record));
    Throwable thrown = record.getThrown();
    if (thrown != null) {
      StringWriter trace = new StringWriter();
      thrown.printStackTrace(new PrintWriter(trace));
      s.append(",\"error\":");
      string(s, trace.toString());
    }
    return s.append("}\n").toString();
  }

  static void string(StringBuilder s, @Nullable String value) {
    if (value == null) {
      s.append("null");
      return;
    }
    s.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        default -> {
          if (c < 0x20) {
            s.append(String.format("\\u%04x", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    s.append('"');
  }
}
