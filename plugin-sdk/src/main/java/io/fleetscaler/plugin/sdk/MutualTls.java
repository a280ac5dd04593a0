package io.fleetscaler.plugin.sdk;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * TLS contexts for AutoMTLS: each end presents its own {@link SelfSignedCertificate} and trusts
 * exactly one peer certificate, nothing from the system trust store. The server requires a client
 * certificate. TLS 1.2 and 1.3 only.
 */
final class MutualTls {
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private MutualTls() {}

  static SslContext server(SelfSignedCertificate own, X509Certificate trustedClient) {
    try {
      return GrpcSslContexts.configure(
              SslContextBuilder.forServer(own.privateKey(), own.certificate())
                  .trustManager(trustedClient)
                  .clientAuth(ClientAuth.REQUIRE)
                  .protocols(PROTOCOLS))
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the plugin's TLS context", e);
    }
  }

  static SslContext client(SelfSignedCertificate own, X509Certificate trustedServer) {
    try {
      return GrpcSslContexts.configure(
              SslContextBuilder.forClient()
                  .keyManager(own.privateKey(), own.certificate())
                  .trustManager(trustedServer)
                  .protocols(PROTOCOLS))
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the host's TLS context", e);
    }
  }
}
