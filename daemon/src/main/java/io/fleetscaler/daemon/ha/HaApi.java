package io.fleetscaler.daemon.ha;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import io.fleetscaler.proto.v1.NotLeader;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Optional;

/**
 * How the daemon's API behaves in a high-availability set: a node that does not surely lead answers
 * every call {@code UNAVAILABLE} with a {@link NotLeader} detail naming the leader, rather than
 * forwarding it.
 *
 * <p>Why not forward: a forwarded call costs a second hop and a second failure point on every
 * request; the standby would need credentials of its own for the leader's API, while the client's
 * own credentials (a client certificate) cannot be passed on; and a call forwarded during a
 * failover can be executed by a leader whose term is ending without the client learning which node
 * answered. {@code UNAVAILABLE} is the status gRPC clients already treat as "retry", so a client
 * that ignores the detail still does the right thing (retries, and lands on the leader once its
 * load balancer or DNS points there); one that reads it (the Java client, {@code fleetscaler
 * status}) calls the named leader at once.
 */
public final class HaApi {
  private HaApi() {}

  /**
   * A server interceptor that lets a call through only while {@code election}'s guard holds (this
   * node leads and its lease is surely valid): so a leader that cannot be sure of its lease stops
   * serving acquisitions at once, and a standby points at the leader.
   */
  public static ServerInterceptor standbyGate(LeaderElection election, String node) {
    return standbyGate(election, node, () -> true);
  }

  /**
   * As {@link #standbyGate(LeaderElection, String, java.util.function.BooleanSupplier)}, the detail
   * naming {@code shard}: the election's name.
   */
  public static ServerInterceptor standbyGate(
      LeaderElection election,
      String node,
      java.util.function.BooleanSupplier serving,
      String shard) {
    return gate(election, node, serving, shard);
  }

  /**
   * As {@link #standbyGate(LeaderElection, String)}, and lets calls through only while {@code
   * serving} also says so: a leader whose scalers are still starting (or already stopping) points
   * callers to retry rather than at a scaler that is not there.
   */
  public static ServerInterceptor standbyGate(
      LeaderElection election, String node, java.util.function.BooleanSupplier serving) {
    return gate(election, node, serving, "");
  }

  private static ServerInterceptor gate(
      LeaderElection election,
      String node,
      java.util.function.BooleanSupplier serving,
      String shard) {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (election.guard().holds() && serving.getAsBoolean()) {
          return next.startCall(call, headers);
        }
        StatusRuntimeException e =
            notLeader(node, election.leader().orElse(null), election, shard, "");
        call.close(e.getStatus(), trailers(e));
        return new ServerCall.Listener<>() {};
      }
    };
  }

  /** " for group g (shard s)" when a group is named, else nothing: the one-shard texts. */
  private static String of(String shard, String group) {
    return group.isEmpty() ? "" : " for group " + group + " (shard " + shard + ")";
  }

  private static Metadata trailers(StatusRuntimeException e) {
    Metadata t = e.getTrailers();
    return t == null ? new Metadata() : t;
  }

  /**
   * The answer to a call naming {@code group} (empty: none) that this node does not serve now
   * because it does not surely lead {@code shard}, whose election is {@code election}: {@code
   * UNAVAILABLE} with a {@link NotLeader} detail naming that shard's leader, the shard and the
   * group.
   */
  public static StatusRuntimeException notLeader(
      LeaderElection election, String node, String shard, String group) {
    return notLeader(node, election.leader().orElse(null), election, shard, group);
  }

  private static StatusRuntimeException notLeader(
      String node,
      @org.jspecify.annotations.Nullable Leader leader,
      LeaderElection election,
      String shard,
      String group) {
    NotLeader.Builder detail = NotLeader.newBuilder().setNode(node).setShard(shard).setGroup(group);
    String message;
    if (leader != null && !leader.node().equals(node)) {
      detail.setLeaderNode(leader.node()).setLeaderApiAddress(leader.apiAddress());
      message =
          "this node ("
              + node
              + ") stands by"
              + of(shard, group)
              + "; the leader is "
              + leader.node()
              + " at "
              + leader.apiAddress();
    } else if (election.role() == Role.LEADER) {
      message =
          "this node ("
              + node
              + ") cannot be sure its leader lease"
              + of(shard, group)
              + " is valid; retry";
    } else {
      message =
          "this node ("
              + node
              + ") stands by"
              + of(shard, group)
              + " and no leader is known yet; retry";
    }
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(Code.UNAVAILABLE.getNumber())
            .setMessage(message)
            .addDetails(Any.pack(detail.build()))
            .build());
  }

  /**
   * The {@link NotLeader} detail of a failed call, if it has one: a client that finds it with a
   * leader address calls that address instead.
   */
  public static Optional<NotLeader> notLeader(StatusRuntimeException e) {
    if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
      return Optional.empty();
    }
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      return Optional.empty();
    }
    for (Any any : status.getDetailsList()) {
      if (any.is(NotLeader.class)) {
        try {
          return Optional.of(any.unpack(NotLeader.class));
        } catch (InvalidProtocolBufferException ex) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
