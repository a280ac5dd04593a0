package io.fleetscaler.daemon.api;

import io.fleetscaler.proto.v1.FleetGrpc;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/** The {@link ApiClient} on grpc-java's Netty transport. */
final class GrpcApiClient implements ApiClient {
  /**
   * How long a connection may go without reading anything before the client pings the server:
   * grpc-java's floor (it raises any smaller value to 10 s). Pings go out with or without calls, so
   * an idle connection to a leader that was stopped (SIGSTOP) or cut off is found dead before the
   * next call waits out its deadline there. The daemon permits pings every 5 s.
   */
  static final Duration KEEP_ALIVE_TIME = Duration.ofSeconds(10);

  /**
   * How long a ping may go unanswered before the connection is declared dead and its calls fail
   * {@code UNAVAILABLE}: long enough that a busy server (GC pause, loaded cores) is not dropped,
   * short enough that a dead one is left within {@code KEEP_ALIVE_TIME + KEEP_ALIVE_TIMEOUT}.
   */
  static final Duration KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(5);

  private final ManagedChannel channel;
  private final @Nullable CallCredentials credentials;

  private GrpcApiClient(ManagedChannel channel, @Nullable CallCredentials credentials) {
    this.channel = channel;
    this.credentials = credentials;
  }

  static ApiClient connect(ApiClientSettings settings) {
    ApiServerSettings parsed = ApiServerSettings.loopback(settings.address());
    NettyChannelBuilder builder =
        NettyChannelBuilder.forAddress(parsed.address())
            .keepAliveTime(KEEP_ALIVE_TIME.toMillis(), TimeUnit.MILLISECONDS)
            .keepAliveTimeout(KEEP_ALIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .keepAliveWithoutCalls(true);
    if (settings.tls()) {
      SslContextBuilder tls = GrpcSslContexts.forClient();
      if (settings.caFile() != null) {
        tls.trustManager(settings.caFile().toFile());
      }
      Path cert = settings.certFile();
      Path key = settings.keyFile();
      if (cert != null && key != null) {
        BearerToken.requireOwnerOnly(key, "client key");
        tls.keyManager(cert.toFile(), key.toFile());
      }
      try {
        builder.sslContext(tls.build()).negotiationType(NegotiationType.TLS);
      } catch (SSLException | IllegalArgumentException e) {
        throw new IllegalArgumentException("tls: cannot use the given files: " + e.getMessage(), e);
      }
    } else {
      builder.usePlaintext();
    }
    CallCredentials credentials = null;
    if (settings.tokenFile() != null) {
      credentials = new Token(BearerToken.read(settings.tokenFile(), "token file"));
    }
    return new GrpcApiClient(builder.build(), credentials);
  }

  @Override
  public ManagedChannel channel() {
    return channel;
  }

  @Override
  public FleetGrpc.FleetBlockingStub blocking() {
    FleetGrpc.FleetBlockingStub stub = FleetGrpc.newBlockingStub(channel);
    return credentials == null ? stub : stub.withCallCredentials(credentials);
  }

  @Override
  public FleetGrpc.FleetStub async() {
    FleetGrpc.FleetStub stub = FleetGrpc.newStub(channel);
    return credentials == null ? stub : stub.withCallCredentials(credentials);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends {@code authorization: Bearer <token>}; the token is in no message or toString. */
  private static final class Token extends CallCredentials {
    private final Metadata headers = new Metadata();

    Token(String token) {
      headers.put(BearerToken.AUTHORIZATION, "Bearer " + token);
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
      applier.apply(headers);
    }

    @Override
    public String toString() {
      return "BearerToken[redacted]";
    }
  }
}
