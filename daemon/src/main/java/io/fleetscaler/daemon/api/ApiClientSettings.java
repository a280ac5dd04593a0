package io.fleetscaler.daemon.api;

import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a client (such as {@code fleetscaler status}) reaches the API.
 *
 * @param address the daemon's {@code host:port}
 * @param caFile CA certificates (PEM) to verify the server with; setting it turns TLS on. With TLS
 *     on and no CA file the system's trust store is used.
 * @param certFile the client certificate (PEM) for mutual TLS, or null
 * @param keyFile its private key (PKCS#8 PEM), or null
 * @param tokenFile a file holding the bearer token to send, or null
 * @param tls whether to use TLS
 */
public record ApiClientSettings(
    String address,
    boolean tls,
    @Nullable Path caFile,
    @Nullable Path certFile,
    @Nullable Path keyFile,
    @Nullable Path tokenFile) {

  public ApiClientSettings {
    Objects.requireNonNull(address, "address");
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException(
          "the client certificate and its key go together, got only "
              + (certFile != null ? "the certificate" : "the key"));
    }
    if (!tls && (caFile != null || certFile != null)) {
      throw new IllegalArgumentException("a CA file or client certificate needs TLS");
    }
  }

  /** Plaintext, no token: the default daemon on loopback. */
  public static ApiClientSettings plaintext(String address) {
    return new ApiClientSettings(address, false, null, null, null, null);
  }
}
