package io.fleetscaler.core.scaler;

/**
 * An acquisition was not handed out for a reason that passes: its state could not be saved, or this
 * process could not be sure it still holds the right to act ({@link
 * io.fleetscaler.core.lease.LeaseGuard}). The slot was given back; the caller should retry, on this
 * scaler or on whichever process now leads.
 */
public final class NotServedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NotServedException(String message, Throwable cause) {
    super(message, cause);
  }

  public NotServedException(String message) {
    super(message);
  }
}
