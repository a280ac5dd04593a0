package io.fleetscaler.plugin.statichosts;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A probe whose answers the test decides: every host answers unless marked dead. Thread-safe. */
final class ScriptedProbe implements HostProbe {
  private final Set<String> dead = ConcurrentHashMap.newKeySet();
  private final AtomicInteger calls = new AtomicInteger();
  private volatile boolean lastExpectedSsh;

  void kill(String hostPort) {
    dead.add(hostPort);
  }

  void revive(String hostPort) {
    dead.remove(hostPort);
  }

  int calls() {
    return calls.get();
  }

  boolean lastExpectedSsh() {
    return lastExpectedSsh;
  }

  @Override
  public Optional<String> failure(String host, int port, boolean expectSsh) {
    calls.incrementAndGet();
    lastExpectedSsh = expectSsh;
    return dead.contains(host + ":" + port) ? Optional.of("scripted dead") : Optional.empty();
  }
}
