package io.fleetscaler.daemon.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where and how the gRPC API listens.
 *
 * <p>On a loopback address TLS and authentication are optional. Anywhere else the API must be
 * authenticated: TLS ({@code certFile} and {@code keyFile}) plus client certificates ({@code
 * clientCaFile}), a bearer token ({@code tokenFile}), or both; {@link #problems()} says what is
 * missing and {@link ApiServer#start} refuses to start while anything is.
 *
 * @param listen {@code host:port}; port 0 picks a free one
 * @param certFile the server's certificate chain (PEM), or null for plaintext
 * @param keyFile the server's private key (PKCS#8 PEM), or null for plaintext
 * @param clientCaFile CA certificates (PEM) that client certificates must chain to; null for no
 *     client certificates
 * @param tokenFile a file whose content (trimmed) is the bearer token every call must present; null
 *     for none
 */
public record ApiServerSettings(
    String listen,
    @Nullable Path certFile,
    @Nullable Path keyFile,
    @Nullable Path clientCaFile,
    @Nullable Path tokenFile) {

  /** The default address: loopback only. */
  public static final String DEFAULT_LISTEN = "127.0.0.1:9403";

  public ApiServerSettings {
    Objects.requireNonNull(listen, "listen");
  }

  /** Plaintext, unauthenticated, on {@code listen} (which should be a loopback address). */
  public static ApiServerSettings loopback(String listen) {
    return new ApiServerSettings(listen, null, null, null, null);
  }

  /**
   * The socket address of {@link #listen}.
   *
   * @throws IllegalArgumentException if it is not {@code host:port}
   */
  public InetSocketAddress address() {
    int colon = listen.lastIndexOf(':');
    if (colon <= 0 || colon == listen.length() - 1) {
      throw new IllegalArgumentException("grpc_listen: expected host:port, got '" + listen + "'");
    }
    String host = listen.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("grpc_listen: bad port in '" + listen + "'");
    }
    return new InetSocketAddress(host, port);
  }

  /** Whether TLS is configured. */
  public boolean tls() {
    return certFile != null;
  }

  /** Whether every address {@link #listen} resolves to is a loopback address. */
  public boolean loopbackOnly() {
    InetSocketAddress address = address();
    if (address.isUnresolved()) {
      return address.getHostString().toLowerCase(Locale.ROOT).equals("localhost");
    }
    try {
      for (InetAddress a : InetAddress.getAllByName(address.getHostString())) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Every reason these settings may not be used, empty when they may: an unparsable address,
   * half-configured TLS, client certificates without TLS, or an address other than loopback without
   * authentication.
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    try {
      address();
    } catch (IllegalArgumentException e) {
      problems.add(Objects.requireNonNullElse(e.getMessage(), listen));
      return problems;
    }
    if ((certFile == null) != (keyFile == null)) {
      problems.add(
          "tls: cert_file and key_file go together, got only "
              + (certFile != null ? "cert_file" : "key_file"));
    }
    if (clientCaFile != null && certFile == null) {
      problems.add("tls: client_ca_file needs TLS (cert_file and key_file)");
    }
    if (!loopbackOnly()) {
      boolean authenticated = clientCaFile != null || tokenFile != null;
      if (certFile == null || keyFile == null || !authenticated) {
        problems.add(
            "grpc_listen: "
                + listen
                + " is not a loopback address, so the API must use TLS (cert_file, key_file) with"
                + " client authentication (client_ca_file for client certificates, or token_file"
                + " for a bearer token); refusing to serve runner credentials unauthenticated");
      }
    }
    return problems;
  }
}
