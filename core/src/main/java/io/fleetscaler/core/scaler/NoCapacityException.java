package io.fleetscaler.core.scaler;

/**
 * An acquisition could not be served: the fleet is at its maximum, or no slot became ready within
 * the caller's timeout. The message gives the slot counts at the time.
 */
public final class NoCapacityException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NoCapacityException(String message) {
    super(message);
  }
}
