package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.connector.CommandResult;
import io.fleetscaler.core.connector.Connector;
import io.fleetscaler.core.policy.Policy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Readiness commands and acquire heartbeats finishing on their own virtual threads while request
 * threads acquire and release and a ticker drives the provisioner: no slot is handed out on an
 * instance whose ready command failed or did not finish, no instance ever has more holders than
 * slots, and once every job is released nothing is held or waiting. Bounded: a fixed number of
 * jobs, each waited for at most 20 seconds.
 */
class ConcurrentReadinessTest {
  private static final int CAPACITY = 2;

  /**
   * Passes or fails by instance id, after a random number of spin-waits, recording every verdict.
   */
  private static final class RacingConnector implements Connector {
    final Set<String> ready = ConcurrentHashMap.newKeySet();
    final Set<String> failed = ConcurrentHashMap.newKeySet();

    @Override
    public CommandResult run(String instanceId, String command, Duration timeout) {
      // A random number of spin-waits rather than a sleep: the check finishes at a random point
      // among the request threads' steps, without waiting on the wall clock.
      for (int i = ThreadLocalRandom.current().nextInt(20_000); i > 0; i--) {
        Thread.onSpinWait();
      }
      if (!command.equals("ready")) {
        return new CommandResult(0, "");
      }
      if (Math.floorMod(instanceId.hashCode(), 3) == 0) {
        failed.add(instanceId);
        return new CommandResult(1, "broken image");
      }
      ready.add(instanceId);
      return new CommandResult(0, "");
    }

    @Override
    public void forget(String instanceId) {}
  }

  @Test
  void slotsGoOnlyToInstancesThatPassedWhileChecksFinishConcurrently() throws Exception {
    RacingConnector connector = new RacingConnector();
    Harness h =
        new Harness(
            b ->
                b.policies(List.of(Policy.of(2)))
                    .maxInstances(8)
                    .capacityPerInstance(CAPACITY)
                    .connector(connector)
                    .instanceReadyCommand("ready")
                    .acquireHeartbeat(true)
                    .connectorHeartbeat(true));
    int threads = 4;
    int jobsPerThread = 150;
    Map<String, AtomicInteger> holding = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    h.raceWithTicks(
        threads,
        jobsPerThread,
        Duration.ofMinutes(2),
        (thread, j) -> {
          String key = "t" + thread + "-" + j;
          CompletableFuture<Acquisition> f = h.scaler.acquire(key, Duration.ofDays(1));
          Acquisition a = f.get(20, TimeUnit.SECONDS);
          String id = a.instanceId();
          if (!connector.ready.contains(id) || connector.failed.contains(id)) {
            violations.add(key + " got " + id + ", which never passed its ready command");
          }
          int now = holding.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
          if (now > CAPACITY) {
            violations.add(id + " had " + now + " holders");
          }
          holding.get(id).decrementAndGet();
          h.scaler.release(key);
        });

    assertThat(violations).isEmpty();
    assertThat(connector.ready).isNotEmpty();
    ScalerSnapshot s = h.scaler.snapshot();
    assertThat(s.slots().acquired()).isZero();
    assertThat(s.slots().reserved()).isZero();
    assertThat(s.pendingAcquisitions()).isZero();
    h.scaler.shutdown();
  }
}
