package io.fleetscaler.core.scaler;

import io.fleetscaler.core.connector.CommandResult;
import io.fleetscaler.core.connector.Connector;
import io.fleetscaler.core.connector.ConnectorException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A recording fake {@link Connector} whose results the test sets per instance: a command exits 0
 * unless the instance was told to fail (exit status) or to be unreachable (exception). Also a
 * queued executor, so that a test decides when connector commands run.
 */
final class ScriptedConnector implements Connector {
  /** One command the scaler ran. */
  record Call(String instanceId, String command, Duration timeout) {}

  private final List<Call> calls = new ArrayList<>();
  private final Map<String, Integer> exitStatus = new ConcurrentHashMap<>();
  private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
  private final Set<String> forgotten = ConcurrentHashMap.newKeySet();
  private final Queue<Runnable> queued = new ArrayDeque<>();

  @Override
  public synchronized CommandResult run(String instanceId, String command, Duration timeout) {
    calls.add(new Call(instanceId, command, timeout));
    if (unreachable.contains(instanceId)) {
      throw new ConnectorException(
          "instance " + instanceId + " at 10.0.0.1:22: connection refused");
    }
    int status = exitStatus.getOrDefault(instanceId, 0);
    return new CommandResult(status, status == 0 ? "" : "not ready yet");
  }

  @Override
  public void forget(String instanceId) {
    forgotten.add(instanceId);
  }

  void exitWith(String instanceId, int status) {
    exitStatus.put(instanceId, status);
  }

  void unreachable(String instanceId, boolean value) {
    if (value) {
      unreachable.add(instanceId);
    } else {
      unreachable.remove(instanceId);
    }
  }

  synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  synchronized List<Call> callsTo(String instanceId) {
    return calls.stream().filter(c -> c.instanceId().equals(instanceId)).toList();
  }

  Set<String> forgotten() {
    return Set.copyOf(forgotten);
  }

  /** An executor that only queues; {@link #runQueued} runs what is queued. */
  synchronized void enqueue(Runnable task) {
    queued.add(task);
  }

  /** Runs every queued command now, on the test's thread; returns how many ran. */
  int runQueued() {
    int n = 0;
    while (true) {
      Runnable next;
      synchronized (this) {
        next = queued.poll();
      }
      if (next == null) {
        return n;
      }
      next.run();
      n++;
    }
  }
}
