package io.fleetscaler.daemon.config;

import io.fleetscaler.plugin.api.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.tomlj.TomlArray;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Typed, position-aware reads from one TOML table. Every read marks its key as known; {@link
 * #finish()} then reports each key nobody read as unknown, so the set of accepted keys is exactly
 * the set the readers ask for. A bad value is reported and the default returned, so one pass finds
 * every problem.
 */
final class TableReader {
  /** Keys whose values are never quoted in a message. */
  private static final Set<String> SECRETS = Set.of("password", "token");

  private final TomlTable table;
  private final String path;
  private final int line;
  private final Problems problems;
  private final Set<String> seen = new HashSet<>();

  TableReader(TomlTable table, String path, int line, Problems problems) {
    this.table = table;
    this.path = path;
    this.line = line;
    this.problems = problems;
  }

  /** The table's own key path, e.g. {@code group[0].scale_throttle}. */
  String path() {
    return path;
  }

  /** The line of the table's header, or of its first use. */
  int line() {
    return line;
  }

  String keyPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  int lineOf(String key) {
    TomlPosition p = table.inputPositionOf(List.of(key));
    return p == null ? line : p.line();
  }

  boolean has(String key) {
    return table.contains(List.of(key));
  }

  void error(String key, String message) {
    problems.error(lineOf(key), keyPath(key), message);
  }

  /** An error on {@code key} (e.g. {@code periods[1]}), placed on the line of {@code lineKey}. */
  void errorAt(String lineKey, String key, String message) {
    problems.error(lineOf(lineKey), keyPath(key), message);
  }

  /** An error about the table as a whole, on its header's line. */
  void errorOnTable(String message) {
    problems.error(line, path, message);
  }

  void warn(String key, String message) {
    problems.warn(lineOf(key), keyPath(key), message);
  }

  /** Marks {@code key} as known and returns its value, or null when absent. */
  @Nullable Object raw(String key) {
    seen.add(key);
    return table.get(List.of(key));
  }

  /** Marks {@code key} as known without reading it. */
  void accept(String key) {
    seen.add(key);
  }

  Set<String> keys() {
    return table.keySet();
  }

  String string(String key, String def) {
    Object v = raw(key);
    if (v == null) {
      return def;
    }
    if (v instanceof String s) {
      return s;
    }
    typeError(key, "a string", v);
    return def;
  }

  @Nullable String optionalString(String key) {
    Object v = raw(key);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    typeError(key, "a string", v);
    return null;
  }

  int integer(String key, int def, int min, int max) {
    Object v = raw(key);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Long n)) {
      typeError(key, "an integer", v);
      return def;
    }
    if (n < min || n > max) {
      error(key, "must be in " + min + ".." + max + ", got " + n);
      return def;
    }
    return n.intValue();
  }

  double number(String key, double def) {
    Object v = raw(key);
    if (v == null) {
      return def;
    }
    if (v instanceof Long n) {
      return n;
    }
    if (v instanceof Double d) {
      return d;
    }
    typeError(key, "a number", v);
    return def;
  }

  boolean bool(String key, boolean def) {
    Object v = raw(key);
    if (v == null) {
      return def;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    typeError(key, "a boolean (true or false)", v);
    return def;
  }

  /** A Go-style duration string ({@code "1m30s"}); {@code positive} rejects zero. */
  Duration duration(String key, Duration def, boolean positive) {
    Object v = raw(key);
    if (v == null) {
      return def;
    }
    if (!(v instanceof String s)) {
      typeError(key, "a duration string such as \"1m30s\"", v);
      return def;
    }
    try {
      Duration d = GoDuration.parse(s);
      if (positive && d.isZero()) {
        error(key, "must be greater than 0, got \"" + s + "\"");
        return def;
      }
      return d;
    } catch (IllegalArgumentException e) {
      error(key, String.valueOf(e.getMessage()));
      return def;
    }
  }

  @Nullable List<String> strings(String key) {
    Object v = raw(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof TomlArray array)) {
      typeError(key, "an array of strings", v);
      return null;
    }
    List<String> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (array.get(i) instanceof String s) {
        out.add(s);
      } else {
        TomlPosition p = array.inputPositionOf(i);
        problems.error(
            p == null ? lineOf(key) : p.line(),
            keyPath(key) + "[" + i + "]",
            "expected a string, got " + describe(array.get(i)));
        return null;
      }
    }
    return out;
  }

  @Nullable TableReader table(String key) {
    Object v = raw(key);
    if (v == null) {
      return null;
    }
    if (v instanceof TomlTable t) {
      return new TableReader(t, keyPath(key), lineOf(key), problems);
    }
    typeError(key, "a table", v);
    return null;
  }

  /** An array of tables ({@code [[key]]}); empty when absent. */
  List<TableReader> tables(String key) {
    Object v = raw(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof TomlArray array) || !allTables(array)) {
      typeError(key, "an array of tables ([[" + keyPath(key) + "]])", v);
      return List.of();
    }
    List<TableReader> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      TomlPosition p = array.inputPositionOf(i);
      out.add(
          new TableReader(
              array.getTable(i),
              keyPath(key) + "[" + i + "]",
              p == null ? lineOf(key) : p.line(),
              problems));
    }
    return out;
  }

  private static boolean allTables(TomlArray array) {
    for (int i = 0; i < array.size(); i++) {
      if (!(array.get(i) instanceof TomlTable)) {
        return false;
      }
    }
    return true;
  }

  /** The table as JSON, every key accepted: for free-form maps such as plugin_config. */
  String json() {
    seen.addAll(table.keySet());
    return table.toJson();
  }

  /** Reports every key that no read asked for. */
  void finish() {
    for (String key : table.keySet()) {
      if (!seen.contains(key)) {
        error(key, "unknown key");
      }
    }
  }

  private void typeError(String key, String expected, Object actual) {
    // A secret of the wrong type is still a secret: name its type only.
    String got = SECRETS.contains(key) ? "a value of another type" : describe(actual);
    error(key, "expected " + expected + ", got " + got);
  }

  static String describe(@Nullable Object v) {
    if (v instanceof String s) {
      return "the string \"" + s + "\"";
    }
    if (v instanceof Long || v instanceof Double) {
      return "the number " + v;
    }
    if (v instanceof Boolean) {
      return "the boolean " + v;
    }
    if (v instanceof TomlTable) {
      return "a table";
    }
    if (v instanceof TomlArray) {
      return "an array";
    }
    return v == null ? "nothing" : "a date/time";
  }
}
