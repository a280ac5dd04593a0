package io.fleetscaler.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import io.fleetscaler.proto.v1.AcquireRequest;
import io.fleetscaler.proto.v1.AcquireResponse;
import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.NotLeader;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client of a high-availability set on real sockets: it follows the leader a standby names, and
 * when that leader dies, goes back to the node it started at, which names the next one.
 */
class FollowingApiClientTest {
  private final List<Server> servers = new ArrayList<>();

  /** A standby whose answer names {@code leader}, changed by the test. */
  private static final class Standby extends FleetGrpc.FleetImplBase {
    volatile String leader = "";

    @Override
    public void acquire(AcquireRequest request, StreamObserver<AcquireResponse> answer) {
      answer.onError(
          StatusProto.toStatusRuntimeException(
              com.google.rpc.Status.newBuilder()
                  .setCode(Code.UNAVAILABLE.getNumber())
                  .setMessage("stands by")
                  .addDetails(
                      Any.pack(
                          NotLeader.newBuilder()
                              .setNode("seed")
                              .setLeaderNode("leader")
                              .setLeaderApiAddress(leader)
                              .build()))
                  .build()));
    }
  }

  /** A leader that hands out a slot on {@code instance}. */
  private static final class Serving extends FleetGrpc.FleetImplBase {
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

  private Server serve(FleetGrpc.FleetImplBase service) throws Exception {
    Server s =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(service)
            .build()
            .start();
    servers.add(s);
    return s;
  }

  private static String address(Server s) {
    return "127.0.0.1:" + s.getPort();
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (Server s : servers) {
      s.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static String acquire(LeaderFollowingClient client) {
    return acquire(client, 10_000);
  }

  private static String acquire(LeaderFollowingClient client, long deadlineMillis) {
    return client
        .call(
            s ->
                s.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                    .acquire(AcquireRequest.newBuilder().setGroup("g").setKey("k").build()))
        .getInstanceId();
  }

  /** The failure of an acquisition that must fail within {@code deadlineMillis}. */
  private static StatusRuntimeException failedAcquire(
      LeaderFollowingClient client, long deadlineMillis) {
    return catchThrowableOfType(
        StatusRuntimeException.class, () -> acquire(client, deadlineMillis));
  }

  @Test
  void aDeadLeaderSendsTheClientBackToItsFirstNodeWhichNamesTheNext() throws Exception {
    Standby standby = new Standby();
    Server seed = serve(standby);
    Server first = serve(new Serving("i-first"));
    Server second = serve(new Serving("i-second"));
    standby.leader = address(first);

    try (LeaderFollowingClient client =
        LeaderFollowingClient.connect(ApiClientSettings.plaintext(address(seed)))) {
      assertThat(acquire(client)).isEqualTo("i-first");
      assertThat(client.address()).isEqualTo(address(first));

      first.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      standby.leader = address(second);

      StatusRuntimeException e =
          catchThrowableOfType(StatusRuntimeException.class, () -> acquire(client));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(client.address()).isEqualTo(address(seed));
      // The caller retries: the first node names the new leader, and the client follows.
      assertThat(acquire(client)).isEqualTo("i-second");
      assertThat(client.address()).isEqualTo(address(second));
    }
  }

  @Test
  void aLeaderThatAcceptsButNeverAnswersSendsTheClientBackToItsFirstNode() throws Exception {
    Standby standby = new Standby();
    Server seed = serve(standby);
    Server next = serve(new Serving("i-next"));
    // A stopped (SIGSTOP) or still-starting node: the kernel completes the TCP handshake for its
    // listening socket, and nothing ever answers.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        LeaderFollowingClient client =
            LeaderFollowingClient.connect(ApiClientSettings.plaintext(address(seed)))) {
      standby.leader = "127.0.0.1:" + silent.getLocalPort();

      StatusRuntimeException e = failedAcquire(client, 2_000);
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      assertThat(client.lastHops()).as("the first node named the silent one").hasSize(1);
      assertThat(client.address()).as("back at the first node").isEqualTo(address(seed));

      // Meanwhile a standby took over; the first node names it, and the retry reaches it.
      standby.leader = address(next);
      assertThat(acquire(client)).isEqualTo("i-next");
      assertThat(client.address()).isEqualTo(address(next));
    }
  }

  /** A leader that answers its first acquisition and lets the others wait (no slot frees). */
  private static final class Busy extends FleetGrpc.FleetImplBase {
    private final List<StreamObserver<AcquireResponse>> waiting = new ArrayList<>();

    @Override
    public synchronized void acquire(
        AcquireRequest request, StreamObserver<AcquireResponse> answer) {
      if (waiting.isEmpty()) {
        answer.onNext(AcquireResponse.newBuilder().setInstanceId("i-busy").build());
        answer.onCompleted();
      }
      waiting.add(answer);
    }
  }

  @Test
  void aDeadlinePassingAtALiveLeaderKeepsTheClientThere() throws Exception {
    Standby standby = new Standby();
    Server seed = serve(standby);
    Server leader = serve(new Busy());
    standby.leader = address(leader);
    try (LeaderFollowingClient client =
        LeaderFollowingClient.connect(ApiClientSettings.plaintext(address(seed)))) {
      assertThat(acquire(client)).isEqualTo("i-busy");

      StatusRuntimeException e = failedAcquire(client, 300);
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      assertThat(client.lastHops()).as("the call went straight to the leader").isEmpty();
      assertThat(client.address()).as("a live leader is kept").isEqualTo(address(leader));
    }
  }
}
