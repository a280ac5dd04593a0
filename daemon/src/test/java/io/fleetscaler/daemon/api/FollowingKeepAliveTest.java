package io.fleetscaler.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fleetscaler.proto.v1.AcquireRequest;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A leader stopped (SIGSTOP) or cut off under an established connection: nothing closes the
 * connection, nothing answers on it. The client's keep-alive pings find it dead, the call fails
 * {@code UNAVAILABLE}, and the client goes back to the node it started at, which names the next
 * leader.
 */
class FollowingKeepAliveTest {
  private final FakeNodes nodes = new FakeNodes();

  /**
   * A TCP proxy the test can freeze: from then on it forwards nothing either way and closes
   * nothing, which is what a stopped process or a partition looks like to the other end.
   */
  private static final class FreezableProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final CountDownLatch thawed = new CountDownLatch(1);
    private final List<Socket> sockets = new ArrayList<>();
    private volatile boolean frozen;

    FreezableProxy(int target) throws IOException {
      this.target = target;
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofPlatform().daemon().name("proxy-accept").start(this::accept);
    }

    String address() {
      return "127.0.0.1:" + listener.getLocalPort();
    }

    void freeze() {
      frozen = true;
    }

    private void accept() {
      try {
        while (true) {
          Socket in = listener.accept();
          Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
          synchronized (sockets) {
            sockets.add(in);
            sockets.add(out);
          }
          pump(in, out);
          pump(out, in);
        }
      } catch (IOException closed) {
        // The test is over.
      }
    }

    private void pump(Socket from, Socket to) {
      Thread.ofPlatform()
          .daemon()
          .name("proxy-pump")
          .start(
              () -> {
                byte[] buffer = new byte[8192];
                try {
                  InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream();
                  for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (frozen) {
                      // Holds the bytes and the connection: nothing forwarded, nothing closed.
                      thawed.await();
                      return;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                  }
                } catch (IOException | InterruptedException e) {
                  // Closed at the end of the test.
                }
              });
    }

    @Override
    public void close() throws IOException {
      listener.close();
      thawed.countDown();
      synchronized (sockets) {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    nodes.close();
  }

  private static String acquire(LeaderFollowingClient client, String group) {
    return client
        .call(
            group,
            s ->
                // Far beyond keep-alive time + timeout: the deadline must not be what ends the
                // call.
                s.withDeadlineAfter(120, TimeUnit.SECONDS)
                    .acquire(AcquireRequest.newBuilder().setGroup(group).setKey("k").build()))
        .getInstanceId();
  }

  @Test
  void aLeaderFrozenUnderAnEstablishedConnectionIsLeftForTheStartNode() throws Exception {
    FakeNodes.Standby standby = new FakeNodes.Standby("fleetscaler");
    Server seed = nodes.serve(standby);
    Server leader = nodes.serve(new FakeNodes.Serving("i-leader"));
    Server next = nodes.serve(new FakeNodes.Serving("i-next"));
    try (FreezableProxy proxy = new FreezableProxy(leader.getPort());
        LeaderFollowingClient client =
            LeaderFollowingClient.connect(
                ApiClientSettings.plaintext("127.0.0.1:" + seed.getPort()))) {
      standby.leader = proxy.address();
      assertThat(acquire(client, "g")).isEqualTo("i-leader");
      assertThat(client.address("g")).isEqualTo(proxy.address());
      assertThat(acquire(client, "g")).as("the connection is established").isEqualTo("i-leader");

      proxy.freeze();
      standby.leader = "127.0.0.1:" + next.getPort();
      StatusRuntimeException e =
          catchThrowableOfType(StatusRuntimeException.class, () -> acquire(client, "g"));
      assertThat(e.getStatus().getCode())
          .as("the keep-alive found the connection dead: %s", e.getStatus())
          .isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(client.address("g")).isEqualTo("127.0.0.1:" + seed.getPort());

      // The caller retries: the start node names the new leader, which serves.
      assertThat(acquire(client, "g")).isEqualTo("i-next");
      assertThat(client.address("g")).isEqualTo("127.0.0.1:" + next.getPort());
    }
  }
}
