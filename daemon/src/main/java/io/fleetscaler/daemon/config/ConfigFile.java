package io.fleetscaler.daemon.config;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The daemon's TOML configuration file (see {@code docs/configuration.md}).
 *
 * <p>Loading checks everything before anything starts: the TOML syntax, every key (unknown keys are
 * errors), every type and range, cron periods and time zones (with {@link
 * io.fleetscaler.core.policy.Policy}'s own validation), listen addresses, referenced files and that
 * each {@code plugin} can be found. All problems are collected and thrown together. Settings that
 * are harmless but ignored (gitlab-runner keys of a pasted {@code [[runners]]} block) are warnings.
 */
public interface ConfigFile {

  /**
   * Loads {@code file}, logging warnings on the {@code io.fleetscaler.daemon.config} logger.
   *
   * @throws ConfigException with every problem, each with file, line and key path
   */
  static DaemonConfig load(Path file) throws ConfigException {
    System.Logger log = System.getLogger("io.fleetscaler.daemon.config");
    return load(file, w -> log.log(Level.WARNING, w.toString()));
  }

  /**
   * Loads {@code file}, handing each warning to {@code warnings}; plugin names are looked up on
   * this process's {@code PATH}.
   *
   * @throws ConfigException with every problem, each with file, line and key path
   */
  static DaemonConfig load(Path file, Consumer<ConfigError> warnings) throws ConfigException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(warnings, "warnings");
    return new ConfigLoader(pathVariable()).load(file, warnings);
  }

  /**
   * Reads {@code text} with every check of a file named {@code name} in the working directory: how
   * the command line's options are checked exactly as a file's keys are.
   *
   * @throws ConfigException with every problem, each with line and key path
   */
  static DaemonConfig parse(String text, Path name, Consumer<ConfigError> warnings)
      throws ConfigException {
    Objects.requireNonNull(text, "text");
    return new ConfigLoader(pathVariable())
        .load(name, name.toAbsolutePath().normalize(), text, warnings);
  }

  /**
   * Resolves a {@code plugin} value as a file in the working directory would: a path, a built-in
   * name, or a name looked up on {@code PATH}.
   *
   * @throws IllegalArgumentException saying what was looked for and where
   */
  static PluginRef plugin(String value) {
    return new PluginResolver(Path.of("").toAbsolutePath(), null, pathVariable()).resolve(value);
  }

  private static String pathVariable() {
    String path = System.getenv("PATH");
    return path == null ? "" : path;
  }
}
