package io.fleetscaler.daemon.api;

import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.plugin.sdk.TransportLogs;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ApiServer} on grpc-java's Netty transport.
 *
 * <p>Calls run directly on the Netty event loops (no hand-off to an executor: the scaler's request
 * methods never block), over epoll where it loads, with one event loop per core. Only plugin calls
 * for connect info, which may reach a cloud API, go to virtual threads.
 */
final class GrpcApiServer implements ApiServer {
  /** How often the watch compares each group's status with what its subscribers have. */
  static final long WATCH_POLL_MILLIS = 250;

  private final Server server;
  private final FleetWatch watch;
  private final ScheduledExecutorService watchPoller;
  private final ExecutorService blockingWork;
  private final List<EventLoopGroup> eventLoops;
  private final AtomicBoolean closed = new AtomicBoolean();

  private GrpcApiServer(
      Server server,
      FleetWatch watch,
      ScheduledExecutorService watchPoller,
      ExecutorService blockingWork,
      List<EventLoopGroup> eventLoops) {
    this.server = server;
    this.watch = watch;
    this.watchPoller = watchPoller;
    this.blockingWork = blockingWork;
    this.eventLoops = eventLoops;
  }

  static ApiServer start(
      ApiServerSettings settings,
      Map<String, TaskScaler> groups,
      Map<String, Duration> acquireTimeouts,
      @Nullable ServerInterceptor gate) {
    return start(settings, groups, acquireTimeouts, gate, GroupRoutes.ALL_HERE);
  }

  static ApiServer start(
      ApiServerSettings settings,
      Map<String, TaskScaler> groups,
      Map<String, Duration> acquireTimeouts,
      @Nullable ServerInterceptor gate,
      GroupRoutes routes) {
    List<String> problems = settings.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    // Frame logs would show bearer tokens at FINE; connection failures would bring stack traces.
    TransportLogs.pin();
    Map<String, TaskScaler> ordered = new LinkedHashMap<>(groups);
    SslContext tls = tls(settings);
    BearerToken token =
        settings.tokenFile() == null ? null : BearerToken.fromFile(settings.tokenFile());

    FleetWatch watch = new FleetWatch(ordered, routes);
    ExecutorService blockingWork =
        Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("api-connect-info-", 0).factory());
    FleetService service = new FleetService(ordered, acquireTimeouts, watch, blockingWork, routes);

    InetSocketAddress address = settings.address();
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(address)
            .directExecutor()
            .maxInboundMessageSize(64 * 1024)
            // Half the Java client's keep-alive interval (GrpcApiClient.KEEP_ALIVE_TIME), so its
            // pings are never near the limit and never draw a too_many_pings GOAWAY.
            .permitKeepAliveTime(GrpcApiClient.KEEP_ALIVE_TIME.toSeconds() / 2, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true);
    List<EventLoopGroup> loops = List.of();
    if (Epoll.isAvailable()) {
      EventLoopGroup boss =
          new MultiThreadIoEventLoopGroup(
              1,
              Thread.ofPlatform().name("api-accept").daemon(true).factory(),
              EpollIoHandler.newFactory());
      EventLoopGroup workers =
          new MultiThreadIoEventLoopGroup(
              Runtime.getRuntime().availableProcessors(),
              Thread.ofPlatform().name("api-io-", 0).daemon(true).factory(),
              EpollIoHandler.newFactory());
      builder
          .channelType(EpollServerSocketChannel.class)
          .bossEventLoopGroup(boss)
          .workerEventLoopGroup(workers);
      loops = List.of(boss, workers);
    }
    if (tls != null) {
      builder.sslContext(tls);
    }
    ServerServiceDefinition guarded = RequestGuard.guard(service.bindService());
    if (gate != null) {
      // Inside the token check: a caller learns who leads only once authenticated.
      guarded = ServerInterceptors.intercept(guarded, gate);
    }
    builder.addService(token == null ? guarded : ServerInterceptors.intercept(guarded, token));
    Server server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      blockingWork.shutdownNow();
      for (EventLoopGroup loop : loops) {
        var unused = loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      }
      throw new IllegalStateException(
          "cannot listen for gRPC on " + settings.listen() + ": " + e.getMessage(), e);
    }
    ScheduledExecutorService poller =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("api-watch").daemon(true).factory());
    var unused =
        poller.scheduleWithFixedDelay(
            () -> pollQuietly(watch), WATCH_POLL_MILLIS, WATCH_POLL_MILLIS, TimeUnit.MILLISECONDS);
    return new GrpcApiServer(server, watch, poller, blockingWork, loops);
  }

  static List<String> check(ApiServerSettings settings) {
    List<String> problems = new ArrayList<>(settings.problems());
    if (!problems.isEmpty()) {
      return problems;
    }
    Path token = settings.tokenFile();
    if (token != null) {
      try {
        BearerToken.fromFile(token);
      } catch (IllegalArgumentException e) {
        problems.add(String.valueOf(e.getMessage()));
      }
    }
    try {
      tls(settings);
    } catch (IllegalArgumentException e) {
      problems.add(String.valueOf(e.getMessage()));
    }
    return problems;
  }

  private static void pollQuietly(FleetWatch watch) {
    try {
      watch.poll();
    } catch (RuntimeException e) {
      // A failing snapshot must not end the schedule; the next poll tries again.
      System.getLogger(GrpcApiServer.class.getName())
          .log(System.Logger.Level.WARNING, "fleet watch poll failed: " + e);
    }
  }

  private static @Nullable SslContext tls(ApiServerSettings settings) {
    Path cert = settings.certFile();
    Path key = settings.keyFile();
    if (cert == null || key == null) {
      return null;
    }
    BearerToken.requireOwnerOnly(key, "key_file");
    try {
      SslContextBuilder b =
          GrpcSslContexts.forServer(cert.toFile(), key.toFile()).protocols("TLSv1.3", "TLSv1.2");
      Path clientCa = settings.clientCaFile();
      if (clientCa != null) {
        b.trustManager(clientCa.toFile()).clientAuth(ClientAuth.REQUIRE);
      }
      return b.build();
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tls: cannot use cert_file "
              + cert
              + ", key_file "
              + key
              + (settings.clientCaFile() == null
                  ? ""
                  : ", client_ca_file " + settings.clientCaFile())
              + ": "
              + Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()),
          e);
    }
  }

  @Override
  public InetSocketAddress address() {
    return (InetSocketAddress) server.getListenSockets().getFirst();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    watchPoller.shutdownNow();
    watch.close();
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    blockingWork.shutdown();
    for (EventLoopGroup loop : eventLoops) {
      var unused = loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
