package io.fleetscaler.plugin.sdk;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps secrets and floods out of the log whatever levels an operator sets, in every JVM at either
 * end of a plugin channel or of the daemon's API: {@link PluginServer} pins them in a plugin
 * process before it starts its server, {@link PluginProcess#launch} in the host, the daemon at
 * start.
 *
 * <p>grpc-java's Netty handlers log every HTTP/2 frame at FINE: header frames carry the API's
 * bearer token ({@code authorization}) and data frames carry request bodies in hex (a plugin's
 * {@code connector_config} password among them). Those loggers are pinned to INFO and filtered, so
 * that raising {@code io.grpc} or the root logger to FINE or FINEST shows nothing of a frame. At
 * INFO and above, the transports log a connection a client broke (an HTTP/1 request to the gRPC
 * port, a TLS handshake from a scanner) with a full stack trace: such records are reduced to one
 * line without the trace and written at most once a minute per logger.
 *
 * <p>Netty logs through its own logger factory, which by default hands out loggers that follow the
 * {@code java.util.logging} level of each logger's name: a level an operator sets on one Netty
 * logger by name (say Netty's HTTP/2 frame logger, or a handler's) would win over the pinned roots.
 * So the shaded Netty inside grpc-netty-shaded is given {@link CappedNettyLoggers}, whose loggers
 * never log below INFO whatever the level: what Netty says at DEBUG and TRACE (frames, buffers,
 * headers) has no way out. This holds for every Netty logger created after {@link #pin()}; the ones
 * created before still go through the pinned levels and filters above.
 */
public final class TransportLogs {
  /** The loggers that see frames: both ends of the API and of the plugin channel. */
  static final List<String> FRAME_LOGGERS =
      List.of(
          "io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler",
          "io.grpc.netty.shaded.io.grpc.netty.NettyClientHandler",
          "io.grpc.netty.NettyServerHandler",
          "io.grpc.netty.NettyClientHandler");

  /** The loggers that report broken connections with a stack trace. */
  static final List<String> CONNECTION_LOGGERS =
      List.of(
          "io.grpc.netty.shaded.io.grpc.netty.NettyServerTransport",
          "io.grpc.netty.shaded.io.grpc.netty.NettyServerTransport.connections",
          "io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler",
          // A request over maxInboundMessageSize: WARNING "Exception processing message" + trace.
          "io.grpc.netty.shaded.io.grpc.netty.NettyServerStream",
          "io.grpc.netty.shaded.io.netty.channel.DefaultChannelPipeline",
          "io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler");

  /**
   * The roots of the transports' own libraries, pinned at INFO so that an operator who raises
   * {@code io.grpc} or the root logger does not raise them: Netty's HTTP/2 handler logs at FINE the
   * debug data of the GOAWAY it sends, which quotes whatever a client sent (an HTTP/1 request line
   * with its query string, say). A level set on one of their own loggers by name overrides this
   * level, but not the cap of {@link CappedNettyLoggers}.
   */
  static final List<String> LIBRARY_ROOTS = List.of("io.grpc.netty.shaded.io.netty", "io.netty");

  /** Held: a logger's level and filter live only as long as the logger object. */
  private static final List<Logger> PINNED =
      java.util.stream.Stream.of(
              FRAME_LOGGERS.stream(), CONNECTION_LOGGERS.stream(), LIBRARY_ROOTS.stream())
          .flatMap(s -> s)
          .distinct()
          .map(Logger::getLogger)
          .toList();

  private TransportLogs() {}

  /** Pins and filters the transport loggers, and caps Netty's logger factory; idempotent. */
  public static void pin() {
    for (Logger logger : PINNED) {
      if (FRAME_LOGGERS.contains(logger.getName()) || LIBRARY_ROOTS.contains(logger.getName())) {
        logger.setLevel(Level.INFO);
      }
      logger.setFilter(new OneLine());
    }
    CappedNettyLoggers.install();
  }

  /** Drops what is below INFO, and turns what is left into rate-limited single lines. */
  private static final class OneLine implements Filter {
    private static final long INTERVAL_NANOS = 60_000_000_000L;

    private final AtomicLong nextAllowed = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();

    @Override
    public boolean isLoggable(LogRecord r) {
      if (r.getLevel().intValue() < Level.INFO.intValue()) {
        return false;
      }
      Throwable t = r.getThrown();
      if (t == null) {
        return true;
      }
      long now = System.nanoTime();
      long allowed = nextAllowed.get();
      if (now - allowed < 0 || !nextAllowed.compareAndSet(allowed, now + INTERVAL_NANOS)) {
        suppressed.incrementAndGet();
        return false;
      }
      long skipped = suppressed.getAndSet(0);
      // The cause's class only: its message quotes what the client sent (an HTTP/1 request line
      // with its query string), which may hold anything, a token included.
      String cause = " (" + t.getClass().getSimpleName() + ")";
      r.setThrown(null);
      r.setParameters(null);
      r.setMessage(
          "gRPC transport: refused a connection or request"
              + cause
              + (skipped == 0 ? "" : " (" + skipped + " more since the last such line)"));
      return true;
    }
  }
}
