package io.fleetscaler.plugin.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.sdk.SelfSignedCertificate.Curve;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our TLS contexts against peers on every ECDSA curve, in both roles, over a real TLS 1.3
 * connection. The peer's context is built here, with the JDK provider (which, like Go's crypto/tls,
 * offers ecdsa_secp521r1_sha512), so that only our end is under test: go-plugin's AutoMTLS presents
 * P-521 certificates, both as a Go host and as a Go plugin.
 */
class MutualTlsTest {
  private final Instant now = Instant.now();

  @ParameterizedTest
  @EnumSource(Curve.class)
  void ourPluginServesAHostWhoseCertificateIsOnAnyCurve(Curve curve) throws Exception {
    var ours = SelfSignedCertificate.generate(now);
    var host = SelfSignedCertificate.generate(now, curve);
    Server server = healthServer(MutualTls.server(ours, host.certificate()));
    try {
      SslContext peer =
          GrpcSslContexts.configure(
                  SslContextBuilder.forClient()
                      .keyManager(host.privateKey(), host.certificate())
                      .trustManager(ours.certificate())
                      .protocols("TLSv1.3"),
                  SslProvider.JDK)
              .build();
      assertThat(health(server, peer)).isEqualTo(ServingStatus.SERVING);
    } finally {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @EnumSource(Curve.class)
  void ourHostCallsAPluginWhoseCertificateIsOnAnyCurve(Curve curve) throws Exception {
    var ours = SelfSignedCertificate.generate(now);
    var plugin = SelfSignedCertificate.generate(now, curve);
    SslContext peer =
        GrpcSslContexts.configure(
                SslContextBuilder.forServer(plugin.privateKey(), plugin.certificate())
                    .trustManager(ours.certificate())
                    .clientAuth(ClientAuth.REQUIRE)
                    .protocols("TLSv1.3"),
                SslProvider.JDK)
            .build();
    Server server = healthServer(peer);
    try {
      assertThat(health(server, MutualTls.client(ours, plugin.certificate())))
          .isEqualTo(ServingStatus.SERVING);
    } finally {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @EnumSource(Curve.class)
  void ourPluginRefusesAClientWithAnotherCertificateOnTheSameCurve(Curve curve) throws Exception {
    var ours = SelfSignedCertificate.generate(now);
    var host = SelfSignedCertificate.generate(now, curve);
    var impostor = SelfSignedCertificate.generate(now, curve);
    Server server = healthServer(MutualTls.server(ours, host.certificate()));
    try {
      SslContext peer =
          GrpcSslContexts.configure(
                  SslContextBuilder.forClient()
                      .keyManager(impostor.privateKey(), impostor.certificate())
                      .trustManager(ours.certificate())
                      .protocols("TLSv1.3"),
                  SslProvider.JDK)
              .build();
      assertThatThrownBy(() -> health(server, peer)).isInstanceOf(StatusRuntimeException.class);
    } finally {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @EnumSource(Curve.class)
  void ourHostRefusesAPluginWithAnotherCertificateOnTheSameCurve(Curve curve) throws Exception {
    var ours = SelfSignedCertificate.generate(now);
    var expected = SelfSignedCertificate.generate(now, curve);
    var impostor = SelfSignedCertificate.generate(now, curve);
    SslContext peer =
        GrpcSslContexts.configure(
                SslContextBuilder.forServer(impostor.privateKey(), impostor.certificate())
                    .trustManager(ours.certificate())
                    .clientAuth(ClientAuth.REQUIRE)
                    .protocols("TLSv1.3"),
                SslProvider.JDK)
            .build();
    Server server = healthServer(peer);
    try {
      assertThatThrownBy(() -> health(server, MutualTls.client(ours, expected.certificate())))
          .isInstanceOf(StatusRuntimeException.class);
    } finally {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static Server healthServer(SslContext tls) throws java.io.IOException {
    var health = new HealthStatusManager();
    health.setStatus(PluginServices.HEALTH_SERVICE, ServingStatus.SERVING);
    return Transports.tcpServer(0)
        .sslContext(tls)
        .addService(health.getHealthService())
        .build()
        .start();
  }

  private static ServingStatus health(Server server, SslContext tls) throws InterruptedException {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(server.getListenSockets().get(0))
            .overrideAuthority(Transports.AUTHORITY)
            .sslContext(tls)
            .negotiationType(NegotiationType.TLS)
            .build();
    try {
      return HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder().setService(PluginServices.HEALTH_SERVICE).build())
          .getStatus();
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
