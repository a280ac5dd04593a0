package io.fleetscaler.daemon.config;

import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@code [daemon]} table. Relative paths in the file are resolved against the file's directory.
 *
 * @param httpListen {@code host:port} of {@code /metrics}, {@code /healthz}, {@code /readyz}
 * @param grpcListen {@code host:port} of the gRPC API for runner managers
 * @param logFormat how to write the log on stderr
 * @param pluginsDir where plugin names are looked up before {@code PATH}, or null
 * @param tlsCertFile the API's server certificate ({@code [daemon.tls] cert_file}), or null for
 *     plaintext
 * @param tlsKeyFile its private key ({@code key_file}), set exactly when the certificate is
 * @param tlsClientCaFile CA that client certificates must chain to ({@code client_ca_file}), or
 *     null for no client certificates
 * @param authTokenFile file holding the bearer token clients must present ({@code [daemon.auth]
 *     token_file}), or null for none
 */
public record DaemonSettings(
    String httpListen,
    String grpcListen,
    LogFormat logFormat,
    @Nullable Path pluginsDir,
    @Nullable Path tlsCertFile,
    @Nullable Path tlsKeyFile,
    @Nullable Path tlsClientCaFile,
    @Nullable Path authTokenFile) {

  /** {@code http_listen} when none is given. */
  public static final String DEFAULT_HTTP_LISTEN = "127.0.0.1:9402";

  /** {@code grpc_listen} when none is given. */
  public static final String DEFAULT_GRPC_LISTEN = "127.0.0.1:9403";

  public DaemonSettings {
    Objects.requireNonNull(httpListen, "httpListen");
    Objects.requireNonNull(grpcListen, "grpcListen");
    Objects.requireNonNull(logFormat, "logFormat");
    if ((tlsCertFile == null) != (tlsKeyFile == null)) {
      throw new IllegalArgumentException("cert_file and key_file go together");
    }
  }

  /** Every default: loopback listeners, text logs, no TLS, no token. */
  public static DaemonSettings defaults() {
    return new DaemonSettings(
        DEFAULT_HTTP_LISTEN, DEFAULT_GRPC_LISTEN, LogFormat.TEXT, null, null, null, null, null);
  }

  /** The same settings with {@code value} as {@code http_listen}. */
  public DaemonSettings withHttpListen(String value) {
    return new DaemonSettings(
        value,
        grpcListen,
        logFormat,
        pluginsDir,
        tlsCertFile,
        tlsKeyFile,
        tlsClientCaFile,
        authTokenFile);
  }

  /** The same settings with {@code value} as {@code log_format}. */
  public DaemonSettings withLogFormat(LogFormat value) {
    return new DaemonSettings(
        httpListen,
        grpcListen,
        value,
        pluginsDir,
        tlsCertFile,
        tlsKeyFile,
        tlsClientCaFile,
        authTokenFile);
  }
}
