package io.fleetscaler.daemon.config;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A whole configuration file: the daemon's own settings and its instance groups.
 *
 * @param daemon the {@code [daemon]} table
 * @param groups at least one, in file order, with distinct names
 */
public record DaemonConfig(DaemonSettings daemon, List<GroupConfig> groups) {
  public DaemonConfig {
    Objects.requireNonNull(daemon, "daemon");
    groups = List.copyOf(groups);
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("at least one group is required");
    }
    Set<String> names = new HashSet<>();
    for (GroupConfig g : groups) {
      if (!names.add(g.name())) {
        throw new IllegalArgumentException("duplicate group name: " + g.name());
      }
    }
  }

  /** The group named {@code name}, if any. */
  public Optional<GroupConfig> group(String name) {
    return groups.stream().filter(g -> g.name().equals(name)).findFirst();
  }
}
