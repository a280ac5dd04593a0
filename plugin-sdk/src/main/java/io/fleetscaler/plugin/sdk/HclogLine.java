package io.fleetscaler.plugin.sdk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One line of a plugin's stderr, read as an hclog JSON object when it is one.
 *
 * @param level the level ({@code @level}; INFO when absent or unknown)
 * @param message {@code @message}
 * @param module {@code @module}, empty when absent
 * @param fields every other top-level field in order, values as JSON text for objects and arrays
 */
record HclogLine(Level level, String message, String module, Map<String, String> fields) {
  private static final JsonFactory JSON = new JsonFactory();

  /**
   * Parses {@code line} as an hclog JSON object.
   *
   * @return empty when the line is not a JSON object (it is then logged as-is)
   */
  static Optional<HclogLine> parse(String line) {
    if (!line.startsWith("{")) {
      return Optional.empty();
    }
    try (JsonParser json = JSON.createParser(line)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      Level level = Level.INFO;
      String message = "";
      String module = "";
      Map<String, String> fields = new LinkedHashMap<>();
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String name = json.currentName();
        JsonToken value = json.nextToken();
        String text;
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          long start = json.currentTokenLocation().getCharOffset();
          json.skipChildren();
          long end = json.currentLocation().getCharOffset();
          text = line.substring((int) start, (int) end);
        } else {
          text = value == JsonToken.VALUE_NULL ? "null" : json.getText();
        }
        switch (name) {
          case "@level" -> level = level(text);
          case "@message" -> message = text;
          case "@module" -> module = text;
          case "@timestamp", "@caller" -> {}
          default -> fields.put(name, text);
        }
      }
      return Optional.of(new HclogLine(level, message, module, fields));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Level level(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "trace" -> Level.TRACE;
      case "debug" -> Level.DEBUG;
      case "warn", "warning" -> Level.WARNING;
      case "error" -> Level.ERROR;
      default -> Level.INFO;
    };
  }

  /** The line as one log message: {@code [module] message key=value ...}. */
  String render() {
    StringBuilder text = new StringBuilder();
    if (!module.isEmpty()) {
      text.append('[').append(module).append("] ");
    }
    text.append(message);
    fields.forEach((key, value) -> text.append(' ').append(key).append('=').append(value));
    return text.toString();
  }
}
