package io.fleetscaler.core.scaler;

import java.time.Duration;

/**
 * Waits between the polls of a shutdown with deletion: the one place the scaler waits for the cloud
 * rather than being driven. Injected so that tests advance a manual clock instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper {

  /** Waits for {@code duration}. */
  void sleep(Duration duration) throws InterruptedException;

  /** {@link Thread#sleep(Duration)}. */
  static Sleeper system() {
    return Thread::sleep;
  }
}
