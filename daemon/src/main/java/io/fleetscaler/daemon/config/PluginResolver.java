package io.fleetscaler.daemon.config;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns a group's {@code plugin} value into a {@link PluginRef}: a path (anything with a slash,
 * relative to the configuration file's directory), a built-in provider's name, or a name looked up
 * as {@code fleetscaler-plugin-<name>} or {@code fleeting-plugin-<name>} (fleeting's convention)
 * first in {@code plugins_dir}, then on {@code PATH}.
 */
final class PluginResolver {
  /** The executable name prefixes a plugin name is looked up with, ours first. */
  private static final List<String> PREFIXES = List.of("fleetscaler-plugin-", "fleeting-plugin-");

  private final Path configDir;
  private final @Nullable Path pluginsDir;
  private final String pathVariable;

  PluginResolver(Path configDir, @Nullable Path pluginsDir, String pathVariable) {
    this.configDir = configDir;
    this.pluginsDir = pluginsDir;
    this.pathVariable = pathVariable;
  }

  /**
   * @throws IllegalArgumentException saying what was looked for and where
   */
  PluginRef resolve(String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("must name a plugin, got an empty string");
    }
    if (value.indexOf('/') >= 0 || value.indexOf(File.separatorChar) >= 0) {
      return executable(value);
    }
    String prefixed = withoutPrefix(value);
    if (prefixed != null) {
      // GitLab <= 16.10 names the executable itself ("fleeting-plugin-aws"): that file if it is
      // installed, else the provider it names.
      Path exact = lookUpExact(value);
      return exact != null ? new PluginRef.Executable(exact) : resolve(prefixed);
    }
    if (PluginRef.BUILT_IN.contains(value)) {
      return new PluginRef.BuiltIn(value);
    }
    Path found = lookUp(value);
    if (found != null) {
      return new PluginRef.Executable(found);
    }
    String where =
        "fleetscaler-plugin-"
            + value
            + " or fleeting-plugin-"
            + value
            + (pluginsDir == null ? "" : " in " + pluginsDir + " or")
            + " on PATH";
    if (PluginRef.NOT_BUILT_YET.contains(value)) {
      throw new IllegalArgumentException(
          "the "
              + value
              + " provider is not built into this version of fleetscaler yet, and no "
              + where
              + " was found");
    }
    throw new IllegalArgumentException(
        "unknown plugin \""
            + value
            + "\": not built in ("
            + String.join(", ", PluginRef.BUILT_IN)
            + ") and no "
            + where);
  }

  private PluginRef executable(String value) {
    Path path;
    try {
      path = configDir.resolve(value).normalize();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("not a valid path: \"" + value + "\"", e);
    }
    if (Files.isRegularFile(path) && Files.isExecutable(path)) {
      return new PluginRef.Executable(path);
    }
    String hint =
        value.contains(":") && !Files.exists(path)
            ? " (OCI plugin references are not supported: install the plugin and name its"
                + " executable)"
            : "";
    throw new IllegalArgumentException("not an executable file: " + path + hint);
  }

  /** The provider name in a full executable name, or null when {@code value} is not one. */
  private static @Nullable String withoutPrefix(String value) {
    for (String prefix : PREFIXES) {
      if (value.startsWith(prefix) && value.length() > prefix.length()) {
        return value.substring(prefix.length());
      }
    }
    return null;
  }

  private @Nullable Path lookUpExact(String fileName) {
    for (String dir : searchPath()) {
      Path candidate = Path.of(dir, fileName);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private List<String> searchPath() {
    List<String> dirs = new ArrayList<>();
    if (pluginsDir != null) {
      dirs.add(pluginsDir.toString());
    }
    Pattern.compile(Pattern.quote(File.pathSeparator))
        .splitAsStream(pathVariable)
        .filter(d -> !d.isEmpty())
        .forEach(dirs::add);
    return dirs;
  }

  private @Nullable Path lookUp(String name) {
    List<String> dirs = new ArrayList<>();
    if (pluginsDir != null) {
      dirs.add(pluginsDir.toString());
    }
    Pattern.compile(Pattern.quote(File.pathSeparator))
        .splitAsStream(pathVariable)
        .filter(d -> !d.isEmpty())
        .forEach(dirs::add);
    for (String dir : dirs) {
      for (String prefix : List.of("fleetscaler-plugin-", "fleeting-plugin-")) {
        Path candidate = Path.of(dir, prefix + name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }
}
