package io.fleetscaler.daemon.config;

import io.fleetscaler.daemon.logging.Printable;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One problem in a configuration file (or a warning about it).
 *
 * @param file the file
 * @param line 1-based line of the offending key, or 0 when the problem is about the whole file
 * @param key the key path, e.g. {@code group[0].policy[1].idle_count}; empty for the whole file
 * @param message what is wrong, never a secret's value
 */
public record ConfigError(Path file, int line, String key, String message) {
  public ConfigError {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(message, "message");
    if (line < 0) {
      throw new IllegalArgumentException("line must be >= 0, got " + line);
    }
  }

  /**
   * {@code file:line: key: message}, the form editors and CI logs link to; control, bidi and
   * invisible characters of the key and message (which quote the file) are shown escaped.
   */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder().append(file);
    if (line > 0) {
      s.append(':').append(line);
    }
    s.append(": ");
    if (!key.isEmpty()) {
      s.append(Printable.escape(key)).append(": ");
    }
    return s.append(Printable.escape(message)).toString();
  }
}
