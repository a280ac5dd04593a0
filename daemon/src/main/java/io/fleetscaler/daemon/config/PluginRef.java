package io.fleetscaler.daemon.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Which plugin a group runs: one built into the daemon, or an executable found on disk. */
public sealed interface PluginRef {

  /** The names of the providers built into the daemon. */
  List<String> BUILT_IN =
      List.of("simulated", "static", "aws", "gcp", "googlecloud", "googlecompute", "azure");

  /** Providers planned as built-ins that this build does not contain yet. */
  List<String> NOT_BUILT_YET = List.of();

  /** How the plugin is shown in logs and metrics. */
  String name();

  /**
   * A provider shipped with the daemon ({@code simulated}, {@code static}, {@code aws}, {@code gcp}
   * also under GitLab's names {@code googlecloud} and {@code googlecompute}, {@code azure}).
   *
   * @param name one of {@link #BUILT_IN}
   */
  record BuiltIn(String name) implements PluginRef {
    public BuiltIn {
      if (!BUILT_IN.contains(name)) {
        throw new IllegalArgumentException("not a built-in plugin: " + name);
      }
    }
  }

  /**
   * A plugin executable speaking the go-plugin protocol (a fleeting plugin or one of ours).
   *
   * @param path the resolved executable
   */
  record Executable(Path path) implements PluginRef {
    public Executable {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String name() {
      Path file = path.getFileName();
      return file == null ? path.toString() : file.toString();
    }
  }
}
