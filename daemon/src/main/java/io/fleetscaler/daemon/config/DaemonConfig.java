package io.fleetscaler.daemon.config;

import io.fleetscaler.daemon.ha.HaSettings;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A whole configuration file: the daemon's own settings and its instance groups.
 *
 * @param daemon the {@code [daemon]} table
 * @param groups at least one, in file order, with distinct names
 * @param ha the {@code [daemon.ha]} table (high availability on etcd), or null: one process
 */
public record DaemonConfig(
    DaemonSettings daemon, List<GroupConfig> groups, @Nullable HaSettings ha) {

  /** A configuration without high availability. */
  public DaemonConfig(DaemonSettings daemon, List<GroupConfig> groups) {
    this(daemon, groups, null);
  }

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
