package io.fleetscaler.core.state;

import java.io.IOException;

/**
 * A save refused because the writer's term as leader of a high-availability set has ended (its
 * store's writes are fenced on that term): nothing was written, and the next leader owns the state.
 * This is what losing leadership looks like from the writer's side, not a storage fault: the {@link
 * SnapshotWriter} logs it once at {@code WARNING}, with its cause and no stack trace, and does not
 * count it among {@link SnapshotWriter#failures()}.
 */
public class TermEndedException extends IOException {
  private static final long serialVersionUID = 1L;

  /** {@code message} says which term ended and what was not saved. */
  public TermEndedException(String message) {
    super(message);
  }
}
