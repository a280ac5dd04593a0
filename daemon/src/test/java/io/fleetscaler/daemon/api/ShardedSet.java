package io.fleetscaler.daemon.api;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import io.fleetscaler.proto.v1.AcquireRequest;
import io.fleetscaler.proto.v1.AcquireResponse;
import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.NotLeader;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fake nodes of a sharded high-availability set on real sockets: each answers an acquisition for a
 * group whose shard it leads, and turns any other away with {@code UNAVAILABLE} and the {@link
 * NotLeader} of that shard's leader, as the daemon's API gate does. The test moves the leaders.
 */
final class ShardedSet implements AutoCloseable {
  private final Map<String, String> shardOfGroup;
  private final Map<String, Node> leaderOf = new ConcurrentHashMap<>();
  private final List<Node> nodes = new ArrayList<>();

  ShardedSet(Map<String, String> shardOfGroup) {
    this.shardOfGroup = Map.copyOf(shardOfGroup);
  }

  /** A node of the set, serving on a port of its own. */
  final class Node extends FleetGrpc.FleetImplBase {
    final String name;
    final AtomicInteger served = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    final Server server;

    Node(String name) throws IOException {
      this.name = name;
      this.server =
          NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .addService(this)
              .build()
              .start();
    }

    String address() {
      return "127.0.0.1:" + server.getPort();
    }

    @Override
    public void acquire(AcquireRequest request, StreamObserver<AcquireResponse> answer) {
      String shard = shardOfGroup.getOrDefault(request.getGroup(), "");
      Node leader = leaderOf.get(shard);
      if (leader == this) {
        served.incrementAndGet();
        answer.onNext(AcquireResponse.newBuilder().setInstanceId(name).build());
        answer.onCompleted();
        return;
      }
      refused.incrementAndGet();
      NotLeader.Builder detail =
          NotLeader.newBuilder().setNode(name).setShard(shard).setGroup(request.getGroup());
      if (leader != null) {
        detail.setLeaderNode(leader.name).setLeaderApiAddress(leader.address());
      }
      answer.onError(
          StatusProto.toStatusRuntimeException(
              com.google.rpc.Status.newBuilder()
                  .setCode(Code.UNAVAILABLE.getNumber())
                  .setMessage("this node (" + name + ") does not lead shard " + shard)
                  .addDetails(Any.pack(detail.build()))
                  .build()));
    }

    /** Stops the node at once: its connections break. */
    void kill() {
      try {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while stopping " + name, e);
      }
    }
  }

  Node node(String name) throws IOException {
    Node n = new Node(name);
    nodes.add(n);
    return n;
  }

  /** From now on {@code node} leads {@code shard}. */
  void lead(String shard, Node node) {
    leaderOf.put(shard, node);
  }

  /** The name of the node that leads {@code group}'s shard now. */
  String leaderOfGroup(String group) {
    Node leader = leaderOf.get(shardOfGroup.getOrDefault(group, ""));
    return leader == null ? "" : leader.name;
  }

  @Override
  public void close() {
    for (Node n : nodes) {
      n.kill();
    }
  }
}
