package io.fleetscaler.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fleetscaler.proto.v1.AcquireRequest;
import io.fleetscaler.proto.v1.AcquireResponse;
import io.fleetscaler.proto.v1.FleetGrpc;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
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
  private final FakeNodes nodes = new FakeNodes();

  @AfterEach
  void stop() throws InterruptedException {
    nodes.close();
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
    FakeNodes.Standby standby = new FakeNodes.Standby("");
    Server seed = nodes.serve(standby);
    Server first = nodes.serve(new FakeNodes.Serving("i-first"));
    Server second = nodes.serve(new FakeNodes.Serving("i-second"));
    standby.leader = FakeNodes.address(first);

    try (LeaderFollowingClient client =
        LeaderFollowingClient.connect(ApiClientSettings.plaintext(FakeNodes.address(seed)))) {
      assertThat(acquire(client)).isEqualTo("i-first");
      assertThat(client.address()).isEqualTo(FakeNodes.address(first));

      first.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      standby.leader = FakeNodes.address(second);

      StatusRuntimeException e =
          catchThrowableOfType(StatusRuntimeException.class, () -> acquire(client));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(client.address()).isEqualTo(FakeNodes.address(seed));
      // The caller retries: the first node names the new leader, and the client follows.
      assertThat(acquire(client)).isEqualTo("i-second");
      assertThat(client.address()).isEqualTo(FakeNodes.address(second));
    }
  }

  @Test
  void aLeaderThatAcceptsButNeverAnswersSendsTheClientBackToItsFirstNode() throws Exception {
    FakeNodes.Standby standby = new FakeNodes.Standby("");
    Server seed = nodes.serve(standby);
    Server next = nodes.serve(new FakeNodes.Serving("i-next"));
    // A stopped (SIGSTOP) or still-starting node: the kernel completes the TCP handshake for its
    // listening socket, and nothing ever answers.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        LeaderFollowingClient client =
            LeaderFollowingClient.connect(ApiClientSettings.plaintext(FakeNodes.address(seed)))) {
      standby.leader = "127.0.0.1:" + silent.getLocalPort();

      StatusRuntimeException e = failedAcquire(client, 2_000);
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      assertThat(client.lastHops()).as("the first node named the silent one").hasSize(1);
      assertThat(client.address()).as("back at the first node").isEqualTo(FakeNodes.address(seed));

      // Meanwhile a standby took over; the first node names it, and the retry reaches it.
      standby.leader = FakeNodes.address(next);
      assertThat(acquire(client)).isEqualTo("i-next");
      assertThat(client.address()).isEqualTo(FakeNodes.address(next));
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
    FakeNodes.Standby standby = new FakeNodes.Standby("");
    Server seed = nodes.serve(standby);
    Server leader = nodes.serve(new Busy());
    standby.leader = FakeNodes.address(leader);
    try (LeaderFollowingClient client =
        LeaderFollowingClient.connect(ApiClientSettings.plaintext(FakeNodes.address(seed)))) {
      assertThat(acquire(client)).isEqualTo("i-busy");

      StatusRuntimeException e = failedAcquire(client, 300);
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      assertThat(client.lastHops()).as("the call went straight to the leader").isEmpty();
      assertThat(client.address()).as("a live leader is kept").isEqualTo(FakeNodes.address(leader));
    }
  }
}
