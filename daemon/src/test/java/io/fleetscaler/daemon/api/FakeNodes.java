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
import java.util.concurrent.TimeUnit;

/**
 * Nodes of a high-availability set faked on real sockets, for tests of the client: a standby that
 * names a leader, a leader that hands out slots, and the servers they run on (port 0, permitting
 * keep-alive pings as the daemon's API server does), all stopped by {@link #close}.
 */
final class FakeNodes {
  private final List<Server> servers = new ArrayList<>();

  /**
   * A standby whose answer names {@code leader}, changed by the test. With a shard it answers as a
   * daemon of a sharded set does (the shard and the group the call named); without one, as a daemon
   * that predates shards.
   */
  static final class Standby extends FleetGrpc.FleetImplBase {
    volatile String leader = "";
    private final String shard;

    Standby(String shard) {
      this.shard = shard;
    }

    @Override
    public void acquire(AcquireRequest request, StreamObserver<AcquireResponse> answer) {
      NotLeader.Builder detail =
          NotLeader.newBuilder()
              .setNode("seed")
              .setLeaderNode("leader")
              .setLeaderApiAddress(leader);
      if (!shard.isEmpty()) {
        detail.setShard(shard).setGroup(request.getGroup());
      }
      answer.onError(
          StatusProto.toStatusRuntimeException(
              com.google.rpc.Status.newBuilder()
                  .setCode(Code.UNAVAILABLE.getNumber())
                  .setMessage("stands by")
                  .addDetails(Any.pack(detail.build()))
                  .build()));
    }
  }

  /** A leader that hands out a slot on {@code instance}. */
  static final class Serving extends FleetGrpc.FleetImplBase {
    private final String instance;

    Serving(String instance) {
      this.instance = instance;
    }

    @Override
    public void acquire(AcquireRequest request, StreamObserver<AcquireResponse> answer) {
      answer.onNext(AcquireResponse.newBuilder().setInstanceId(instance).build());
      answer.onCompleted();
    }
  }

  /** Serves {@code service} on a loopback port of its own until {@link #close}. */
  Server serve(FleetGrpc.FleetImplBase service) throws IOException {
    Server s =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(service)
            .permitKeepAliveTime(GrpcApiClient.KEEP_ALIVE_TIME.toSeconds() / 2, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .build()
            .start();
    synchronized (servers) {
      servers.add(s);
    }
    return s;
  }

  static String address(Server s) {
    return "127.0.0.1:" + s.getPort();
  }

  /** Stops every server started here. */
  void close() throws InterruptedException {
    synchronized (servers) {
      for (Server s : servers) {
        s.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
      servers.clear();
    }
  }
}
