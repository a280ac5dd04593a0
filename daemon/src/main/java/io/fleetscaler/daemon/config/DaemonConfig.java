package io.fleetscaler.daemon.config;

import io.fleetscaler.daemon.ha.HaSettings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param shards the shard key of each group that has one (only with {@code ha}); a group without
 *     one belongs to the shard named by {@code [daemon.ha] election}
 */
public record DaemonConfig(
    DaemonSettings daemon,
    List<GroupConfig> groups,
    @Nullable HaSettings ha,
    Map<String, String> shards) {

  /** A configuration without high availability. */
  public DaemonConfig(DaemonSettings daemon, List<GroupConfig> groups) {
    this(daemon, groups, null);
  }

  /** A configuration whose groups all belong to the one shard of {@code ha}, if any. */
  public DaemonConfig(DaemonSettings daemon, List<GroupConfig> groups, @Nullable HaSettings ha) {
    this(daemon, groups, ha, Map.of());
  }

  public DaemonConfig {
    Objects.requireNonNull(daemon, "daemon");
    shards = Map.copyOf(shards);
    if (ha == null && !shards.isEmpty()) {
      throw new IllegalArgumentException("shard keys need [daemon.ha]");
    }
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

  /**
   * The shard (election) of group {@code name}: its shard key, else {@code [daemon.ha] election}.
   */
  public String shardOf(String name) {
    String s = shards.get(name);
    if (s != null) {
      return s;
    }
    return ha != null ? ha.election() : HaSettings.DEFAULT_ELECTION;
  }

  /**
   * The groups by shard: the shards in order of their first group in the file, each with its groups
   * in file order. One entry when no group has a shard key.
   */
  public Map<String, List<GroupConfig>> groupsByShard() {
    Map<String, List<GroupConfig>> out = new LinkedHashMap<>();
    for (GroupConfig g : groups) {
      out.computeIfAbsent(shardOf(g.name()), k -> new ArrayList<>()).add(g);
    }
    out.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(out);
  }

  /** The group named {@code name}, if any. */
  public Optional<GroupConfig> group(String name) {
    return groups.stream().filter(g -> g.name().equals(name)).findFirst();
  }
}
