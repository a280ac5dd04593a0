package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.planner.InstancePhase;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.jspecify.annotations.Nullable;

/**
 * {@code instance_ready_command}: a running instance takes work only once the command, run through
 * the connector, exits 0 within {@code readiness_timeout}. Any other outcome deletes the instance
 * (deletion reason {@code readiness}) and backs creation off exponentially, with jitter, so that a
 * broken image does not make the scaler create and delete instances in a tight loop; the next
 * instance that passes resets the backoff. Readiness time (request to ready) is recorded as {@code
 * fleeting_taskscaler_task_instance_readiness_time_seconds}.
 *
 * <p>Not thread-safe: {@link #admit} and {@link #complete} run under the control lock; the command
 * itself runs on {@link ConnectorChecks}' executor.
 */
final class ReadinessGate implements InstanceGate {
  private static final System.Logger LOG = System.getLogger(TaskScaler.class.getName());

  private final @Nullable ConnectorChecks checks;
  private final String command;
  private final Duration timeout;
  private final Backoff backoff;
  private final InstantSource clock;
  // The last failed check, for "why is my job waiting?". Under the control lock.
  private String lastFailure = "";
  private @Nullable Instant lastFailureAt;

  ReadinessGate(
      @Nullable ConnectorChecks checks,
      String command,
      Duration timeout,
      Backoff backoff,
      InstantSource clock) {
    this.checks = checks;
    this.command = command;
    this.timeout = timeout;
    this.backoff = backoff;
    this.clock = clock;
  }

  /** The backoff that holds creation after readiness failures; the actuator consults it. */
  Backoff backoff() {
    return backoff;
  }

  /** The last failed ready command ("instance id: why"), empty if none failed. */
  String lastFailure() {
    return lastFailure;
  }

  /** When {@link #lastFailure()} happened, null if none did. */
  @Nullable Instant lastFailureAt() {
    return lastFailureAt;
  }

  @Override
  public boolean admit(String instanceId) {
    ConnectorChecks c = checks;
    if (c == null || command.isEmpty()) {
      return true;
    }
    if (!c.start(instanceId, ConnectorChecks.Kind.READINESS, command, timeout)) {
      // Only when the executor is gone (shutting down): the instance stays running, not ready.
      LOG.log(System.Logger.Level.DEBUG, "readiness check of {0} not started", instanceId);
    }
    return false;
  }

  @Override
  public void forget(String instanceId) {
    if (checks != null) {
      checks.forget(instanceId);
    }
  }

  /** Applies one readiness outcome: ready, or deleted with a backoff. Under the control lock. */
  void complete(ConnectorChecks.Outcome outcome, Provisioner provisioner, Actuator actuator) {
    Provisioner.Tracked t = provisioner.tracked(outcome.instanceId());
    if (t == null || t.phase != InstancePhase.RUNNING) {
      return; // deleted or lost while the command ran
    }
    Instant now = clock.instant();
    String failure = outcome.failure();
    if (failure == null) {
      provisioner.makeReady(t, now);
      backoff.succeed();
      return;
    }
    Duration wait = backoff.fail(now);
    lastFailure = "instance " + t.id + ": " + failure;
    lastFailureAt = now;
    LOG.log(
        System.Logger.Level.WARNING,
        "instance {0} failed its ready command ({1}); deleting it, creation backs off {2}",
        t.id,
        failure,
        wait);
    actuator.delete(t, DeletionReason.READINESS, now);
  }
}
