package io.fleetscaler.daemon;

import io.fleetscaler.daemon.config.DaemonSettings;
import io.fleetscaler.daemon.config.ListenAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The daemon's two listening addresses ({@code grpc_listen}, {@code http_listen}), bound before any
 * plugin starts and held until the servers take them over. A port another program holds must stop
 * {@code run} before a plugin creates an instance, not after. Binding is the only reliable check,
 * so {@link #take} binds each address (as the servers will: {@code SO_REUSEADDR}, so a port whose
 * last connections linger in {@code TIME_WAIT} after a restart is not refused) and keeps it bound;
 * {@link #close()} releases them just before the servers bind. Port 0 takes any free port, which
 * cannot be taken by anyone else first, so it is not held.
 */
final class ListenPorts implements AutoCloseable {
  private final List<ServerSocketChannel> held;

  private ListenPorts(List<ServerSocketChannel> held) {
    this.held = held;
  }

  /**
   * Binds the daemon's addresses.
   *
   * @throws IllegalStateException naming each address that cannot be bound and why, in words
   */
  static ListenPorts take(DaemonSettings daemon) {
    Map<String, String> addresses = new LinkedHashMap<>();
    addresses.put("grpc_listen", daemon.grpcListen());
    addresses.put("http_listen", daemon.httpListen());
    List<ServerSocketChannel> held = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    addresses.forEach(
        (key, value) -> {
          ListenAddress address = ListenAddress.parse(value);
          if (address.port() == 0) {
            return;
          }
          try {
            held.add(bind(address.toSocketAddress()));
          } catch (IOException | UnresolvedAddressException e) {
            problems.add(key + " " + value + ": " + why(e));
          }
        });
    ListenPorts ports = new ListenPorts(held);
    if (!problems.isEmpty()) {
      ports.close();
      throw new IllegalStateException(String.join("; ", problems));
    }
    return ports;
  }

  private static ServerSocketChannel bind(InetSocketAddress address) throws IOException {
    ServerSocketChannel channel = ServerSocketChannel.open();
    try {
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(address, 1);
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** The operating system's reason, in words the operator can act on. */
  private static String why(Exception e) {
    if (e instanceof UnresolvedAddressException) {
      return "the host name does not resolve";
    }
    String message = Objects.requireNonNullElse(e.getMessage(), "");
    if (message.contains("Address already in use")) {
      return "the port is in use by another program (another fleetscaler?)";
    }
    if (message.contains("Cannot assign requested address")) {
      return "the address is not one of this machine's";
    }
    if (message.contains("Permission denied")) {
      return "no permission to listen there (ports below 1024 need privileges)";
    }
    return message.isEmpty() ? "cannot listen there" : "cannot listen there: " + message;
  }

  /** Releases every port held, for the servers to bind; idempotent. */
  @Override
  public void close() {
    for (ServerSocketChannel channel : held) {
      try {
        channel.close();
      } catch (IOException e) {
        // Closing a listening socket does not fail in a way that leaves it bound.
      }
    }
    held.clear();
  }
}
