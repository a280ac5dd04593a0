package io.fleetscaler.daemon.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the errors and warnings of one file as it is read. Not thread-safe. */
final class Problems {
  private static final Comparator<ConfigError> IN_FILE_ORDER =
      Comparator.comparingInt(ConfigError::line);

  final Path file;
  private final List<ConfigError> errors = new ArrayList<>();
  private final List<ConfigError> warnings = new ArrayList<>();

  Problems(Path file) {
    this.file = file;
  }

  void error(int line, String key, String message) {
    errors.add(new ConfigError(file, line, key, message));
  }

  void warn(int line, String key, String message) {
    warnings.add(new ConfigError(file, line, key, message));
  }

  int errorCount() {
    return errors.size();
  }

  /** The errors by line; a stable sort keeps the order of several on one line. */
  List<ConfigError> errors() {
    return errors.stream().sorted(IN_FILE_ORDER).toList();
  }

  List<ConfigError> warnings() {
    return warnings.stream().sorted(IN_FILE_ORDER).toList();
  }
}
