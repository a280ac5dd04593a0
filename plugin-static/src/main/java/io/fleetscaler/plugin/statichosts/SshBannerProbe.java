package io.fleetscaler.plugin.statichosts;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Probes a host with a TCP connect and, for SSH, by reading the server's identification line
 * ({@code SSH-2.0-...}, RFC 4253 §4.2), within one overall timeout. Reading the banner catches what
 * a bare connect misses: a port forwarder that still accepts while the server behind it is gone, or
 * a server too wedged to greet. Thread-safe; no state.
 */
final class SshBannerProbe implements HostProbe {
  // RFC 4253 allows other lines before the identification line; a server sending more than this
  // is not an SSH server we want to hand out.
  private static final int MAX_LINES = 20;
  private static final int MAX_LINE = 255;

  private final Duration timeout;

  SshBannerProbe(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("probe timeout must be positive, was " + timeout);
    }
    this.timeout = timeout;
  }

  @Override
  public Optional<String> failure(String host, int port, boolean expectSsh) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), millisLeft(deadline));
      if (!expectSsh) {
        return Optional.empty();
      }
      InputStream in = socket.getInputStream();
      for (int line = 0; line < MAX_LINES; line++) {
        socket.setSoTimeout(millisLeft(deadline));
        String text = readLine(in);
        if (text == null) {
          return Optional.of("connection closed before the SSH identification line");
        }
        if (text.startsWith("SSH-")) {
          return text.startsWith("SSH-2.0-") || text.startsWith("SSH-1.99-")
              ? Optional.empty()
              : Optional.of("unsupported SSH protocol version: " + text);
        }
      }
      return Optional.of("no SSH identification line in the first " + MAX_LINES + " lines");
    } catch (SocketTimeoutException e) {
      return Optional.of("no answer within " + timeout);
    } catch (IOException | IllegalArgumentException e) {
      return Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static int millisLeft(long deadline) throws SocketTimeoutException {
    long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
    if (left <= 0) {
      throw new SocketTimeoutException("probe deadline passed");
    }
    return (int) Math.min(left, Integer.MAX_VALUE);
  }

  /** One line without its CR LF, or null at end of stream; overlong lines are cut. */
  private static @Nullable String readLine(InputStream in) throws IOException {
    StringBuilder text = new StringBuilder();
    while (true) {
      int b = in.read();
      if (b == -1) {
        return text.isEmpty() ? null : text.toString();
      }
      if (b == '\n') {
        int end = text.length();
        if (end > 0 && text.charAt(end - 1) == '\r') {
          text.setLength(end - 1);
        }
        return text.toString();
      }
      if (text.length() < MAX_LINE) {
        text.append(new String(new byte[] {(byte) b}, StandardCharsets.US_ASCII));
      }
    }
  }
}
