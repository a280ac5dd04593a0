package io.fleetscaler.daemon.config;

import java.io.Serial;
import java.util.List;

/**
 * A configuration file that cannot be used, with every problem found in it (not only the first), in
 * file order.
 */
public final class ConfigException extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // an immutable List.copyOf of records; never serialized in practice
  private final List<ConfigError> errors;

  /**
   * @param errors at least one
   */
  public ConfigException(List<ConfigError> errors) {
    super(message(errors));
    this.errors = List.copyOf(errors);
  }

  /** Every problem, in file order. */
  public List<ConfigError> errors() {
    return errors;
  }

  private static String message(List<ConfigError> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one error");
    }
    StringBuilder s = new StringBuilder();
    s.append(errors.size()).append(errors.size() == 1 ? " error" : " errors").append(" in ");
    s.append(errors.get(0).file());
    for (ConfigError e : errors) {
      s.append(System.lineSeparator()).append(e);
    }
    return s.toString();
  }
}
