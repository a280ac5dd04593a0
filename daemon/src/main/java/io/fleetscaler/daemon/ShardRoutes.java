package io.fleetscaler.daemon;

import io.fleetscaler.daemon.api.GroupRoutes;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The API's routes in a sharded high-availability set: a group is served here while this node
 * surely leads the group's shard and that shard's term serves; a call about any other group is
 * answered {@code UNAVAILABLE} with a {@code NotLeader} detail naming the group's shard and that
 * shard's leader, so a client calls the right node at once.
 */
final class ShardRoutes implements GroupRoutes {

  /** What the routes need of one shard. */
  interface Shard {
    /** The shard's name. */
    String name();

    /** Whether this node surely leads the shard and its term serves now. */
    boolean serving();

    /** The answer to a call naming {@code group} (empty: none) while the shard is not served. */
    StatusRuntimeException notLeader(String group);
  }

  private final Map<String, ? extends Shard> byGroup;
  private final Shard first;

  /**
   * @param byGroup each group's shard
   * @param first the first shard of the configuration: named to a call naming no group when this
   *     node serves none
   */
  ShardRoutes(Map<String, ? extends Shard> byGroup, Shard first) {
    this.byGroup = Map.copyOf(byGroup);
    this.first = first;
  }

  @Override
  public @Nullable StatusRuntimeException notHere(String group) {
    Shard s = byGroup.get(group);
    if (s == null || s.serving()) {
      return null; // not a group of the configuration: the API answers NOT_FOUND itself
    }
    return s.notLeader(group);
  }

  @Override
  public String shardOf(String group) {
    Shard s = byGroup.get(group);
    return s == null ? "" : s.name();
  }

  @Override
  public StatusRuntimeException noneHere() {
    return first.notLeader("");
  }
}
