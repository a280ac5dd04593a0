package io.fleetscaler.core.connector;

/**
 * The instance could not be reached or the command did not finish: the connect info could not be
 * had, the connection or login failed, the protocol is unsupported, or the timeout passed. The
 * message names the instance and the address dialed, never credentials.
 */
public final class ConnectorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConnectorException(String message) {
    super(message);
  }

  public ConnectorException(String message, Throwable cause) {
    super(message, cause);
  }
}
