package io.fleetscaler.daemon.api;

import io.grpc.StatusRuntimeException;
import org.jspecify.annotations.Nullable;

/**
 * Which of the API's groups this node serves now. Without high availability (or with one shard,
 * whose standby gate turns every call away before it reaches a group) every group is served here;
 * in a sharded high-availability set a node serves only the groups of the shards it surely leads,
 * and answers a call about another group {@code UNAVAILABLE} with a {@code NotLeader} detail naming
 * that group's shard and its leader.
 */
public interface GroupRoutes {
  /** Every group is served here. */
  GroupRoutes ALL_HERE =
      new GroupRoutes() {
        @Override
        public @Nullable StatusRuntimeException notHere(String group) {
          return null;
        }

        @Override
        public StatusRuntimeException noneHere() {
          throw new IllegalStateException("every group is served here");
        }
      };

  /**
   * Null while this node serves {@code group}; else the answer to a call naming it ({@code
   * UNAVAILABLE} with a {@code NotLeader} detail for that group).
   */
  @Nullable StatusRuntimeException notHere(String group);

  /**
   * The answer to a call naming no group when this node serves none of them: {@code UNAVAILABLE}
   * with the {@code NotLeader} detail of the first shard, naming no group.
   */
  StatusRuntimeException noneHere();

  /** The shard of {@code group} in a sharded set (shown with its status); empty without shards. */
  default String shardOf(String group) {
    return "";
  }
}
