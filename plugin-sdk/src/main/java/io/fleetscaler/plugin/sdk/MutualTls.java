package io.fleetscaler.plugin.sdk;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * TLS contexts for AutoMTLS: each end presents its own {@link SelfSignedCertificate} and trusts
 * exactly one peer certificate, nothing from the system trust store. The server requires a client
 * certificate. TLS 1.2 and 1.3 only.
 *
 * <h2>Why the JDK's TLS, not the bundled BoringSSL</h2>
 *
 * <p>go-plugin's AutoMTLS (every version, Go host and Go plugin alike) presents ECDSA <b>P-521</b>
 * certificates, so whichever role we play, the peer signs its handshake with {@code
 * ecdsa_secp521r1_sha512}. The BoringSSL that grpc-netty-shaded bundles (netty-tcnative, which
 * {@link GrpcSslContexts} prefers when it loads) offers only the P-256 and P-384 ECDSA schemes in
 * TLS 1.3, and Netty exposes no setting for its signature-algorithm list; a Go host then sees
 * {@code tls: peer doesn't support any of the certificate's signature algorithms} and our host
 * {@code SSLV3_ALERT_HANDSHAKE_FAILURE}. The JDK's provider (SunJSSE) offers P-256, P-384 and P-521
 * by default, so both contexts are pinned to {@link SslProvider#JDK}:
 *
 * <ul>
 *   <li>Cost: one handshake per plugin launch (and per reconnect), about 2 ms more CPU than
 *       BoringSSL (a mutual TLS 1.3 handshake in memory on the build machine: 2.3-3.8 ms against
 *       1.3-1.8 ms); afterwards a handful of small calls per second on a Unix socket, where the
 *       provider's record throughput does not matter.
 *   <li>Risk: low. ALPN (which gRPC needs) is in every JDK since 9, and SunJSSE is always present,
 *       whereas the native library may fail to load (another libc or architecture), in which case
 *       {@link GrpcSslContexts} silently fell back to the JDK anyway: pinning it makes every
 *       machine behave alike.
 *   <li>Rejected: keeping BoringSSL and making our own certificates P-521 does not help (it is the
 *       peer's curve that must be accepted); setting the JVM-wide {@code
 *       io.grpc.netty.shaded.io.netty.handler.ssl.noOpenSsl} property would change every other gRPC
 *       channel of an embedding application.
 * </ul>
 */
final class MutualTls {
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  /** See the class comment: the provider that accepts P-521 peers. */
  private static final SslProvider PROVIDER = SslProvider.JDK;

  private MutualTls() {}

  static SslContext server(SelfSignedCertificate own, X509Certificate trustedClient) {
    try {
      return GrpcSslContexts.configure(
              SslContextBuilder.forServer(own.privateKey(), own.certificate())
                  .trustManager(trustedClient)
                  .clientAuth(ClientAuth.REQUIRE)
                  .protocols(PROTOCOLS),
              PROVIDER)
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
                  .protocols(PROTOCOLS),
              PROVIDER)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the host's TLS context", e);
    }
  }
}
