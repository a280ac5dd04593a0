package io.fleetscaler.plugin.statichosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The probe against loopback servers that greet well, badly, or not at all. */
class SshBannerProbeTest {
  private final SshBannerProbe probe = new SshBannerProbe(Duration.ofMillis(500));

  @Test
  void anSshServerGreetingAfterOtherLinesAnswers() throws Exception {
    assertThat(greetedWith("a notice\r\nSSH-2.0-OpenSSH_9.2p1 Debian\r\n", true)).isEmpty();
  }

  @Test
  void aServerThatIsNotSshDoesNotAnswer() throws Exception {
    assertThat(greetedWith("HTTP/1.1 400 Bad Request\r\n\r\n", true))
        .hasValueSatisfying(why -> assertThat(why).contains("closed before"));
    assertThat(greetedWith("SSH-1.5-ancient\r\n", true))
        .hasValueSatisfying(why -> assertThat(why).contains("unsupported SSH protocol version"));
  }

  @Test
  void aConnectIsEnoughWhenNoSshIsExpected() throws Exception {
    assertThat(greetedWith("", false)).isEmpty();
  }

  @Test
  void aServerThatAcceptsButNeverGreetsTimesOut() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread silent =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (Socket s = server.accept()) {
                      // Holds the connection open without a word until the probe has given up.
                      s.setKeepAlive(false);
                      done.await(10, TimeUnit.SECONDS);
                    } catch (IOException | InterruptedException e) {
                      // The test is over.
                    }
                  });
      Optional<String> failure = probe.failure("127.0.0.1", server.getLocalPort(), true);
      done.countDown();
      silent.join();
      assertThat(failure).hasValueSatisfying(why -> assertThat(why).contains("no answer within"));
    }
  }

  @Test
  void aClosedPortDoesNotAnswer() throws IOException {
    int port;
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = server.getLocalPort();
    }
    assertThat(probe.failure("127.0.0.1", port, true)).isPresent();
  }

  @Test
  void aTimeoutMustBePositive() {
    assertThatThrownBy(() -> new SshBannerProbe(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT0S");
  }

  /** Probes a one-connection server that writes {@code greeting} and closes. */
  private Optional<String> greetedWith(String greeting, boolean expectSsh) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread greeter =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (Socket s = server.accept()) {
                      OutputStream out = s.getOutputStream();
                      out.write(greeting.getBytes(StandardCharsets.US_ASCII));
                      out.flush();
                    } catch (IOException e) {
                      // The probe may close first when it needs no greeting.
                    }
                  });
      Optional<String> failure = probe.failure("127.0.0.1", server.getLocalPort(), expectSsh);
      greeter.join();
      return failure;
    }
  }
}
