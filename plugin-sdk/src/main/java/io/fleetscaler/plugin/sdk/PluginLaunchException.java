package io.fleetscaler.plugin.sdk;

/**
 * A plugin could not be started: it exited or timed out before its handshake, printed a handshake
 * this host cannot use (malformed, another core or app protocol version, not gRPC, no AutoMTLS
 * certificate), refused the mutually authenticated connection, or failed its health check. The
 * message says which, and includes the end of the plugin's stderr when there is any.
 */
public final class PluginLaunchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PluginLaunchException(String message) {
    super(message);
  }

  public PluginLaunchException(String message, Throwable cause) {
    super(message, cause);
  }
}
