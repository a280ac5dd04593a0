package io.fleetscaler.plugin.sdk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.text.MessageFormat;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link System.Logger} that writes one hclog-style JSON object per line, the log format a
 * go-plugin host expects on a plugin's stderr: {@code @level}, {@code @message}, {@code @module},
 * {@code @timestamp}, and {@code error} with the stack trace when there is a throwable.
 * Thread-safe: each line is written whole under the stream's lock.
 */
final class JsonLineLogger implements System.Logger {
  private static final JsonFactory JSON = new JsonFactory();
  // hclog's layout, which go-plugin hosts parse strictly: six fractional digits, Z or an offset.
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSXXX");

  private final String module;
  private final PrintStream out;
  private final Clock clock;
  private final Level threshold;

  JsonLineLogger(String module, PrintStream out, Clock clock, Level threshold) {
    this.module = module;
    this.out = out;
    this.clock = clock;
    this.threshold = threshold;
  }

  @Override
  public String getName() {
    return module;
  }

  @Override
  public boolean isLoggable(Level level) {
    return level != Level.OFF && level.getSeverity() >= threshold.getSeverity();
  }

  @Override
  public void log(
      Level level,
      @Nullable ResourceBundle bundle,
      @Nullable String message,
      @Nullable Throwable thrown) {
    if (isLoggable(level)) {
      write(level, message == null ? "" : message, thrown);
    }
  }

  @Override
  public void log(
      Level level,
      @Nullable ResourceBundle bundle,
      @Nullable String format,
      @Nullable Object... params) {
    if (isLoggable(level)) {
      String text = format == null ? "" : format;
      write(
          level,
          params == null || params.length == 0 ? text : MessageFormat.format(text, params),
          null);
    }
  }

  @Override
  public void log(Level level, Supplier<String> message, Throwable thrown) {
    if (isLoggable(level)) {
      write(level, message.get(), thrown);
    }
  }

  private void write(Level level, String message, @Nullable Throwable thrown) {
    StringWriter line = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(line)) {
      json.writeStartObject();
      json.writeStringField("@level", hclogLevel(level));
      json.writeStringField("@message", message);
      json.writeStringField("@module", module);
      json.writeStringField(
          "@timestamp", TIMESTAMP.format(clock.instant().atZone(clock.getZone())));
      if (thrown != null) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        json.writeStringField("error", trace.toString());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot format a log line", e);
    }
    out.println(line);
    out.flush();
  }

  /** hclog's level names. */
  static String hclogLevel(Level level) {
    return switch (level) {
      case ALL, TRACE -> "trace";
      case DEBUG -> "debug";
      case INFO -> "info";
      case WARNING -> "warn";
      case ERROR, OFF -> "error";
    };
  }
}
