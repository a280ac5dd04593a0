package io.fleetscaler.daemon.api;

import io.fleetscaler.proto.v1.NotLeader;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a {@link FollowingApiClient} sends each group's calls: one leader address per shard
 * (learned from {@code NotLeader.shard}), so that a hop for one group of a shard moves its siblings
 * too, and one per group for a daemon that names no shard. The route key {@code ""} is the calls
 * that name no group; a node leading none of the groups names its first shard for them. Every
 * address not set is the start address. Not thread-safe: the client guards it.
 */
final class RouteTable {
  private final String start;
  private final Map<String, String> shardOf = new HashMap<>();
  private final Map<String, String> byShard = new HashMap<>();
  private final Map<String, String> byGroup = new HashMap<>();

  RouteTable(String start) {
    this.start = start;
  }

  String start() {
    return start;
  }

  /** The address {@code group}'s calls go to now. */
  String addressOf(String group) {
    String shard = shardOf.get(group);
    if (shard != null) {
      return byShard.getOrDefault(shard, start);
    }
    return byGroup.getOrDefault(group, start);
  }

  /**
   * Learns what {@code from} answered to a call for {@code group}: the group's shard, and its
   * leader. The route moves only if it still points at {@code from}: an answer to an older call
   * does not undo a newer hop of another thread.
   */
  void learn(String group, String from, NotLeader detail) {
    String before = addressOf(group);
    String shard = detail.getShard();
    if (!shard.isEmpty() && !shard.equals(shardOf.get(group))) {
      shardOf.put(group, shard);
      byGroup.remove(group);
    }
    String leader = detail.getLeaderApiAddress();
    if (leader.isEmpty() || !before.equals(from)) {
      return;
    }
    Map<String, String> routes = shardOf.containsKey(group) ? byShard : byGroup;
    String key = shardOf.getOrDefault(group, group);
    if (leader.equals(start)) {
      routes.remove(key);
    } else {
      routes.put(key, leader);
    }
  }

  /** The node at {@code address} is gone: every route to it goes back to the start address. */
  void gone(String address) {
    byShard.values().removeIf(address::equals);
    byGroup.values().removeIf(address::equals);
  }

  /** Every address some route points at, the start address included. */
  Set<String> addresses() {
    Set<String> all = new HashSet<>(byShard.values());
    all.addAll(byGroup.values());
    all.add(start);
    return all;
  }
}
