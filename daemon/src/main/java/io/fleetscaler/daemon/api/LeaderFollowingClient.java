package io.fleetscaler.daemon.api;

import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.NotLeader;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.function.Function;

/**
 * A client of a high-availability set: calls one node and, when that node answers {@code
 * UNAVAILABLE} with a {@code NotLeader} detail naming the leader, calls the leader instead and
 * keeps calling it. Without a detail (or without a leader address in it) the failure is the
 * caller's to retry: {@code UNAVAILABLE} always means "retry". When the node called cannot be
 * reached at all (the leader died), the client goes back to the address it started at, so the retry
 * asks a node of the set who leads now rather than the dead node again.
 *
 * <p>In a set whose groups are split over several leaders (shards), calls that name their group
 * with {@link #call(String, Function)} are routed per group: the client keeps one leader address
 * per shard (learned from {@code NotLeader.shard} and {@code NotLeader.group}, so a hop for one
 * group moves the other groups of its shard too, and never the groups of another shard) and one
 * connection per node, shared by every group that node leads. The connections send HTTP/2
 * keep-alive pings, so a leader stopped or cut off under an established connection is declared dead
 * within seconds rather than left to the operating system.
 *
 * <p>Thread-safe; close it when done.
 */
public interface LeaderFollowingClient extends AutoCloseable {

  /** The most hops one call follows before it gives up (a failover in progress). */
  int MAX_HOPS = 3;

  /** Starts at {@code settings.address()}; later nodes are reached with the same credentials. */
  static LeaderFollowingClient connect(ApiClientSettings settings) {
    return new FollowingApiClient(settings);
  }

  /**
   * Runs {@code call} with a blocking stub of the node believed to lead, following {@code
   * NotLeader} details at most {@link #MAX_HOPS} times.
   *
   * @throws StatusRuntimeException the last node's failure
   */
  <T> T call(Function<FleetGrpc.FleetBlockingStub, T> call);

  /**
   * As {@link #call(Function)} for a call that names {@code group} (an empty group is a call naming
   * none): it goes to the node believed to lead the group's shard, and a hop moves that shard's
   * groups only.
   *
   * @throws StatusRuntimeException the last node's failure
   */
  <T> T call(String group, Function<FleetGrpc.FleetBlockingStub, T> call);

  /** The address calls that name no group go to now. */
  String address();

  /** The address {@code group}'s calls go to now. */
  String address(String group);

  /**
   * What each node that turned the last call away said of itself and its leader, in order (the last
   * call of any thread to finish).
   */
  List<NotLeader> lastHops();

  @Override
  void close();
}
