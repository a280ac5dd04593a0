package io.fleetscaler.daemon.config;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A {@code host:port} to listen on; IPv6 hosts in brackets ({@code [::1]:9402}).
 *
 * @param host name or literal address, without brackets
 * @param port 0 (any free port) to 65535
 */
public record ListenAddress(String host, int port) {
  public ListenAddress {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("empty host");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in 0..65535, got " + port);
    }
  }

  /**
   * Parses {@code host:port}.
   *
   * @throws IllegalArgumentException quoting {@code value} when it is not of that form
   */
  public static ListenAddress parse(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException("expected host:port, got '" + value + "'");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port in '" + value + "'", e);
    }
    if (host.isEmpty() || port < 0 || port > 65_535) {
      throw new IllegalArgumentException(
          "expected host:port with a port in 0..65535, got '" + value + "'");
    }
    return new ListenAddress(host, port);
  }

  /** An unresolved-if-need-be socket address for binding. */
  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(host, port);
  }
}
