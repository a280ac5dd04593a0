package io.fleetscaler.daemon.ha;

import io.fleetscaler.proto.etcd.AuthGrpc;
import io.fleetscaler.proto.etcd.AuthenticateRequest;
import io.fleetscaler.proto.etcd.KVGrpc;
import io.fleetscaler.proto.etcd.LeaseGrpc;
import io.fleetscaler.proto.etcd.WatchGrpc;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Channels to the members of one etcd cluster, with TLS and user authentication as configured.
 *
 * <p>One channel per endpoint; calls go to the current one and a caller that sees {@code
 * UNAVAILABLE} reports it with {@link #failed}, which moves on to the next member. (A multi-address
 * name resolver would do this inside gRPC, but registering one means global state or a deprecated
 * builder method; a list and an index are plainer.) The etcd auth token travels as the {@code
 * token} header; it is re-obtained when etcd says it is no longer valid, and never logged.
 */
final class EtcdConnection implements AutoCloseable {
  private static final Metadata.Key<String> TOKEN =
      Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);

  private final List<ManagedChannel> channels;
  private final List<URI> endpoints;
  private final AtomicInteger current = new AtomicInteger();
  private final @Nullable String username;
  private final @Nullable String password;
  private volatile @Nullable String token;
  private final CallCredentials credentials = new TokenCredentials();

  private EtcdConnection(
      List<ManagedChannel> channels,
      List<URI> endpoints,
      @Nullable String username,
      @Nullable String password) {
    this.channels = channels;
    this.endpoints = endpoints;
    this.username = username;
    this.password = password;
  }

  /**
   * Builds the channels (no call is made yet).
   *
   * @throws IllegalArgumentException if a TLS file or the password file cannot be used
   */
  static EtcdConnection open(HaSettings settings) {
    List<ManagedChannel> channels = new ArrayList<>();
    for (URI endpoint : settings.etcdEndpoints()) {
      NettyChannelBuilder b =
          NettyChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort());
      if ("https".equals(endpoint.getScheme())) {
        SslContextBuilder tls = GrpcSslContexts.forClient();
        Path ca = settings.caFile();
        if (ca != null) {
          tls.trustManager(ca.toFile());
        }
        Path cert = settings.certFile();
        Path key = settings.keyFile();
        if (cert != null && key != null) {
          requireOwnerOnly(key, "etcd client key");
          tls.keyManager(cert.toFile(), key.toFile());
        }
        try {
          b.sslContext(tls.build()).negotiationType(NegotiationType.TLS);
        } catch (SSLException | IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "[daemon.ha] tls: cannot use the given files: " + e.getMessage(), e);
        }
      } else {
        b.usePlaintext();
      }
      channels.add(b.build());
    }
    String password = null;
    Path passwordFile = settings.passwordFile();
    if (passwordFile != null) {
      requireOwnerOnly(passwordFile, "etcd password file");
      try {
        password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "[daemon.ha] password_file " + passwordFile + ": " + e.getMessage(), e);
      }
    }
    return new EtcdConnection(channels, settings.etcdEndpoints(), settings.username(), password);
  }

  private static void requireOwnerOnly(Path file, String what) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      for (PosixFilePermission p : perms) {
        if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
          throw new IllegalArgumentException(
              "[daemon.ha] " + what + " " + file + " is readable by others; chmod 600 it");
        }
      }
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: nothing to check.
    } catch (IOException e) {
      throw new IllegalArgumentException("[daemon.ha] " + what + " " + file + ": " + e, e);
    }
  }

  private ManagedChannel channel() {
    return channels.get(Math.floorMod(current.get(), channels.size()));
  }

  /** The member calls go to now, for messages. */
  URI endpoint() {
    return endpoints.get(Math.floorMod(current.get(), endpoints.size()));
  }

  /** A KV stub for one call, with a deadline. */
  KVGrpc.KVBlockingStub kv(Duration deadline) {
    return KVGrpc.newBlockingStub(channel())
        .withCallCredentials(credentials)
        .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** A lease stub for one call, with a deadline. */
  LeaseGrpc.LeaseBlockingStub lease(Duration deadline) {
    return LeaseGrpc.newBlockingStub(channel())
        .withCallCredentials(credentials)
        .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** A lease stub for the keep-alive stream (no deadline: the stream is long-lived). */
  LeaseGrpc.LeaseStub leaseStream() {
    return LeaseGrpc.newStub(channel()).withCallCredentials(credentials);
  }

  /** A watch stub for a watch stream (no deadline: the stream is long-lived). */
  WatchGrpc.WatchStub watchStream() {
    return WatchGrpc.newStub(channel()).withCallCredentials(credentials);
  }

  /**
   * Notes a failed call: {@code UNAVAILABLE} moves on to the next member, an invalid auth token is
   * dropped so the next call authenticates again.
   */
  void failed(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
      if (channels.size() > 1) {
        current.incrementAndGet();
      }
    } else if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED) {
      token = null;
    }
  }

  private @Nullable String token() {
    String u = username;
    String p = password;
    if (u == null || p == null) {
      return null;
    }
    String t = token;
    if (t == null) {
      t =
          AuthGrpc.newBlockingStub(channel())
              .withDeadlineAfter(5, TimeUnit.SECONDS)
              .authenticate(AuthenticateRequest.newBuilder().setName(u).setPassword(p).build())
              .getToken();
      token = t;
    }
    return t;
  }

  @Override
  public void close() {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    for (ManagedChannel c : channels) {
      try {
        c.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Attaches the auth token, obtaining it first if needed; the token is in no message. */
  private final class TokenCredentials extends CallCredentials {
    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
      if (username == null) {
        applier.apply(new Metadata());
        return;
      }
      executor.execute(
          () -> {
            try {
              Metadata headers = new Metadata();
              String t = token();
              if (t != null) {
                headers.put(TOKEN, t);
              }
              applier.apply(headers);
            } catch (StatusRuntimeException e) {
              applier.fail(
                  Status.UNAUTHENTICATED
                      .withDescription("etcd authentication failed: " + e.getStatus().getCode())
                      .withCause(e));
            } catch (UncheckedIOException e) {
              applier.fail(Status.UNAUTHENTICATED.withDescription("etcd authentication failed"));
            }
          });
    }

    @Override
    public String toString() {
      return "EtcdToken[redacted]";
    }
  }
}
