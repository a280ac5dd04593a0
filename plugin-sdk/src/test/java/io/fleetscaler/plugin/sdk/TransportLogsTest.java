package io.fleetscaler.plugin.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.netty.shaded.io.netty.util.internal.logging.InternalLogger;
import io.grpc.netty.shaded.io.netty.util.internal.logging.InternalLoggerFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Netty logger that an operator raises by name (the HTTP/2 frame logger, a handler's) logs
 * nothing below INFO once the transport logs are pinned: Netty's loggers come from a factory that
 * caps them, whatever the {@code java.util.logging} level of their name.
 */
class TransportLogsTest {
  static final String SECRET = "pw-7f3e9a21c4";

  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private final List<Logger> raised = new CopyOnWriteArrayList<>();

  @AfterEach
  void restore() {
    Logger.getLogger("").removeHandler(capture);
    raised.forEach(l -> l.setLevel(null));
  }

  private Logger raise(String name) {
    Logger l = Logger.getLogger(name);
    l.setLevel(Level.FINEST);
    raised.add(l);
    return l;
  }

  @Test
  void aNettyLoggerRaisedByNameStillLogsNothingBelowInfo() {
    TransportLogs.pin();
    capture.setLevel(Level.ALL);
    Logger.getLogger("").addHandler(capture);
    String name = "io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2FrameLogger.test";
    raise(name);

    InternalLogger netty = InternalLoggerFactory.getInstance(name);
    netty.debug("OUTBOUND HEADERS: authorization: Bearer {}", SECRET);
    netty.trace("OUTBOUND DATA: {}", SECRET);
    netty.debug("frame", new IllegalStateException(SECRET));

    assertThat(netty.isDebugEnabled()).isFalse();
    assertThat(netty.isTraceEnabled()).isFalse();
    assertThat(records).noneMatch(r -> String.valueOf(r.getMessage()).contains(SECRET));
    assertThat(records).noneMatch(r -> r.getParameters() != null);

    netty.info("a channel was closed");
    assertThat(records)
        .as("INFO still reaches java.util.logging: the cap only drops what is below")
        .anyMatch(r -> "a channel was closed".equals(r.getMessage()));
  }

  @Test
  void grpcFrameLoggersRaisedByNameAreFiltered() {
    TransportLogs.pin();
    capture.setLevel(Level.ALL);
    Logger.getLogger("").addHandler(capture);
    Logger frames = raise("io.grpc.netty.shaded.io.grpc.netty.NettyClientHandler");

    frames.fine("OUTBOUND HEADERS: authorization: Bearer " + SECRET);

    assertThat(records).noneMatch(r -> String.valueOf(r.getMessage()).contains(SECRET));
  }

  @Test
  void pinningTwiceKeepsOneCappedFactory() {
    TransportLogs.pin();
    InternalLoggerFactory first = InternalLoggerFactory.getDefaultFactory();
    TransportLogs.pin();

    assertThat(InternalLoggerFactory.getDefaultFactory())
        .isSameAs(first)
        .isInstanceOf(CappedNettyLoggers.class);
  }
}
