package io.fleetscaler.plugin.sdk;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;

/**
 * Netty transports of the plugin wire: Unix domain sockets through Netty's epoll transport where it
 * loads (Linux), TCP on the loopback address otherwise. One daemon event loop serves every
 * Unix-socket channel and server in the JVM; it is created on first use and never shut down.
 */
final class Transports {
  /** The authority both ends use for TLS: the certificates are issued to {@code localhost}. */
  static final String AUTHORITY = "localhost";

  private static final InetAddress LOOPBACK_V4 = loopbackV4();

  private static @Nullable EventLoopGroup epollGroup;

  /**
   * gRPC sets {@code SO_KEEPALIVE} on every Netty channel, and Netty's bootstrap warns on each
   * connection that a Unix socket has no such option. The warning says nothing an operator can act
   * on, so the bootstrap loggers are raised to SEVERE; held here because java.util.logging keeps
   * loggers only weakly.
   */
  static final java.util.logging.Logger BOOTSTRAP_LOG = quiet();

  private static java.util.logging.Logger quiet() {
    java.util.logging.Logger log =
        java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap");
    log.setLevel(java.util.logging.Level.SEVERE);
    return log;
  }

  private Transports() {}

  private static InetAddress loopbackV4() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new AssertionError("a 4-byte address is always valid", e);
    }
  }

  /** Whether Unix domain sockets are usable in this JVM. */
  static boolean unixSocketsAvailable() {
    return Epoll.isAvailable();
  }

  private static synchronized EventLoopGroup epollGroup() {
    EventLoopGroup group = epollGroup;
    if (group == null) {
      ThreadFactory threads = Thread.ofPlatform().name("plugin-wire-", 0).daemon(true).factory();
      group = new MultiThreadIoEventLoopGroup(2, threads, EpollIoHandler.newFactory());
      epollGroup = group;
    }
    return group;
  }

  /** A server builder listening on a Unix socket at {@code path}. */
  static NettyServerBuilder unixServer(String path) {
    EventLoopGroup group = epollGroup();
    return NettyServerBuilder.forAddress(new DomainSocketAddress(path))
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(group)
        .workerEventLoopGroup(group);
  }

  /** A server builder listening on 127.0.0.1:{@code port}. */
  static NettyServerBuilder tcpServer(int port) {
    return NettyServerBuilder.forAddress(new InetSocketAddress(LOOPBACK_V4, port));
  }

  /**
   * A channel to a plugin's handshake address.
   *
   * @param network {@code unix} or {@code tcp}
   * @param address a socket path or {@code host:port}
   * @param tls the host's mutual-TLS context
   */
  static ManagedChannel channel(String network, String address, SslContext tls) {
    NettyChannelBuilder builder;
    if (network.equals("unix")) {
      builder =
          NettyChannelBuilder.forAddress(new DomainSocketAddress(address))
              .channelType(EpollDomainSocketChannel.class, DomainSocketAddress.class)
              .eventLoopGroup(epollGroup());
    } else {
      int colon = address.lastIndexOf(':');
      builder =
          NettyChannelBuilder.forAddress(
              new InetSocketAddress(
                  address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
    }
    return builder
        .overrideAuthority(AUTHORITY)
        .sslContext(tls)
        .negotiationType(NegotiationType.TLS)
        .build();
  }
}
