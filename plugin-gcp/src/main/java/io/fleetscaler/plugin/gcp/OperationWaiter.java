package io.fleetscaler.plugin.gcp;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.Operation;
import io.fleetscaler.plugin.api.ProviderException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * Waits, with a bound, for a Compute {@code Operation} to reach {@code DONE}, polling it with
 * {@code zoneOperations.get} or {@code regionOperations.get}. A done operation with errors is
 * mapped like a failed call ({@link GcpErrors#ofOperation}); one still running at the bound is
 * reported as {@link ProviderException.Unavailable} saying it may still complete, so the caller
 * treats the change as uncertain. Thread-safe.
 */
final class OperationWaiter {
  private final Clock clock;
  private final GcpTuning tuning;

  OperationWaiter(Clock clock, GcpTuning tuning) {
    this.clock = clock;
    this.tuning = tuning;
  }

  /**
   * The operation once done.
   *
   * @param what the call that started it, for messages, e.g. {@code resize}
   * @param started the operation as the call returned it
   * @param poll reads the operation again
   */
  Operation await(String what, Operation started, UnaryOperator<Operation> poll) {
    Instant deadline = clock.instant().plus(tuning.operationTimeout());
    Operation op = started;
    while (op.getStatus() != Operation.Status.DONE) {
      if (!clock.instant().isBefore(deadline)) {
        throw new ProviderException.Unavailable(
            "gcp "
                + what
                + ": operation "
                + op.getName()
                + " is still "
                + op.getStatus()
                + " after "
                + tuning.operationTimeout().toSeconds()
                + "s; it may still complete");
      }
      pause(what, tuning.operationPoll());
      try {
        op = poll.apply(op);
      } catch (ApiException e) {
        throw GcpErrors.map(what + " (polling operation " + started.getName() + ")", e);
      }
    }
    if (op.hasError() && op.getError().getErrorsCount() > 0) {
      throw GcpErrors.ofOperation(what, op);
    }
    return op;
  }

  private void pause(String what, Duration duration) {
    try {
      tuning.sleeper().sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException.Unavailable(
          "gcp " + what + ": interrupted while waiting for its operation", e);
    }
  }
}
