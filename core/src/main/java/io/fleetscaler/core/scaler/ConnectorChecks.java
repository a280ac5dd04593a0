package io.fleetscaler.core.scaler;

import io.fleetscaler.core.connector.CommandResult;
import io.fleetscaler.core.connector.Connector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Runs connector commands (the readiness command, the {@code exit 0} heartbeat) off the control
 * lock: {@link #start} hands the command to the executor, whose thread puts the outcome on a queue
 * and wakes the loop; the provisioner applies outcomes under the lock with {@link #drain}. So a
 * slow or hanging host delays only its own check, never a tick or a request. With a direct executor
 * (tests) the command runs inside {@link #start} and its outcome is drained in the same tick, which
 * keeps {@code manualTicks()} tests deterministic.
 *
 * <p>At most one check of each kind is in flight per instance. Thread-safe.
 */
final class ConnectorChecks {

  /** Which check an outcome belongs to. */
  enum Kind {
    READINESS,
    HEARTBEAT
  }

  /** How one check ended: {@code failure} is null when the command exited 0. */
  record Outcome(String instanceId, Kind kind, @Nullable String failure) {}

  private final Connector connector;
  private final Executor executor;
  private final Runnable wake;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final Queue<Outcome> done = new ConcurrentLinkedQueue<>();

  ConnectorChecks(Connector connector, Executor executor, Runnable wake) {
    this.connector = connector;
    this.executor = executor;
    this.wake = wake;
  }

  /**
   * Starts {@code command} on the instance unless a check of that kind is already running there.
   *
   * @return whether a check was started
   */
  boolean start(String instanceId, Kind kind, String command, Duration timeout) {
    String slot = kind + "/" + instanceId;
    if (!inFlight.add(slot)) {
      return false;
    }
    Runnable check =
        () -> {
          @Nullable String failure;
          try {
            CommandResult r = connector.run(instanceId, command, timeout);
            failure = r.succeeded() ? null : exitFailure(r);
          } catch (RuntimeException e) {
            failure = String.valueOf(e.getMessage());
          }
          done.add(new Outcome(instanceId, kind, failure));
          inFlight.remove(slot);
          wake.run();
        };
    try {
      executor.execute(check);
    } catch (RejectedExecutionException e) {
      inFlight.remove(slot);
      return false;
    }
    return true;
  }

  private static String exitFailure(CommandResult r) {
    String out = r.output().strip();
    return "exited "
        + (r.exitStatus() < 0 ? "on a signal" : "with status " + r.exitStatus())
        + (out.isEmpty() ? "" : ": " + out);
  }

  /** The outcomes that arrived since the last call, oldest first. */
  List<Outcome> drain() {
    List<Outcome> out = new ArrayList<>();
    for (Outcome o = done.poll(); o != null; o = done.poll()) {
      out.add(o);
    }
    return out;
  }

  /** Whether any check is running, so the loop should poll at the faster interval. */
  boolean busy() {
    return !inFlight.isEmpty() || !done.isEmpty();
  }

  /** Forgets the instance in the connector (connect info, host key). */
  void forget(String instanceId) {
    connector.forget(instanceId);
  }
}
