package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.api.InstanceState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Readiness commands, connector heartbeats and instance-loss causes on the simulated cloud, with a
 * scripted connector whose commands run only when the test says so: no thread, no sleep.
 */
class ReadinessAndHeartbeatTest {
  private static final Duration FOREVER = Duration.ofDays(1);
  private static final String READY = "test -f /var/run/ready";

  private final ScriptedConnector connector = new ScriptedConnector();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private Harness harness(int failureThreshold, boolean connectorHeartbeat) {
    return new Harness(
        b -> {
          b.policies(List.of(Policy.of(0)))
              .maxInstances(5)
              .connector(connector)
              .connectorExecutor(connector::enqueue)
              .instanceReadyCommand(READY)
              .readinessTimeout(Duration.ofSeconds(30))
              .meterRegistry(registry);
          if (connectorHeartbeat) {
            b.heartbeat(Duration.ofMinutes(1), failureThreshold).connectorHeartbeat(true);
          }
          return b;
        });
  }

  @Test
  void slotsAreHandedOutOnlyOnceTheReadyCommandPassed() {
    Harness h = harness(3, false);
    CompletableFuture<Acquisition> job = h.scaler.acquire("job", FOREVER);
    h.advance(Harness.BOOT); // running in the cloud: the ready command is queued, not run
    assertThat(job).isNotDone();
    assertThat(h.scaler.snapshot().instancesByState()).containsEntry("running", 1);
    assertThat(h.scaler.reserve("other")).isNotEqualTo(ReserveResult.RESERVED);
    assertThat(h.scaler.interval()).isEqualTo(Duration.ofSeconds(2));

    assertThat(connector.runQueued()).isEqualTo(1);
    h.scaler.tick();
    assertThat(job).isCompleted();
    String id = job.join().instanceId();
    assertThat(connector.calls())
        .containsExactly(new ScriptedConnector.Call(id, READY, Duration.ofSeconds(30)));
    assertThat(registry.get("fleeting.taskscaler.task.instance.readiness.time").timer().count())
        .isEqualTo(1);
  }

  @Test
  void failingReadyCommandDeletesTheInstanceAndBacksCreationOff() {
    Harness h = harness(3, false);
    h.simulated.setCapacityLimit(5);
    CompletableFuture<Acquisition> job = h.scaler.acquire("job", FOREVER);
    h.scaler.tick();
    String first = h.simulated.snapshot().getFirst().id();
    connector.exitWith(first, 1);
    h.advance(Harness.BOOT);
    connector.runQueued();
    h.scaler.tick();

    assertThat(job).isNotDone();
    assertThat(h.inState(InstanceState.DELETING)).isEqualTo(1);
    assertThat(h.scaler.counter("fleetscaler_instance_deletions_total", "reason", "readiness"))
        .isEqualTo(1);
    // The replacement waits for the backoff (at least half a second after the first failure).
    assertThat(h.scaler.counter("fleetscaler_did_not_scale_total", "reason", "backoff"))
        .isEqualTo(1);
    assertThat(h.live()).isZero();
    h.advance(Duration.ofSeconds(1));
    assertThat(h.live()).isEqualTo(1);
    h.advance(Harness.BOOT);
    connector.runQueued();
    h.scaler.tick();
    assertThat(job).isCompleted();
    assertThat(job.join().instanceId()).isNotEqualTo(first);
    assertThat(connector.forgotten()).doesNotContain(job.join().instanceId());
    h.advance(Harness.DELETE);
    assertThat(connector.forgotten()).contains(first);
  }

  @Test
  void backoffGrowsWithConsecutiveReadinessFailures() {
    Harness h = harness(3, false);
    CompletableFuture<Acquisition> job = h.scaler.acquire("job", FOREVER);
    List<Duration> gaps = new ArrayList<>();
    for (int attempt = 0; attempt < 4; attempt++) {
      h.scaler.tick();
      h.simulated.snapshot().stream()
          .filter(s -> s.state() == InstanceState.CREATING)
          .forEach(s -> connector.exitWith(s.id(), 7));
      h.advance(Harness.BOOT);
      connector.runQueued();
      h.scaler.tick();
      // Count the seconds until a replacement is requested.
      Duration waited = Duration.ZERO;
      long before = h.scaler.counter("fleetscaler_instance_deletions_total", "reason", "readiness");
      assertThat(before).isEqualTo(attempt + 1);
      while (h.simulated.snapshot().stream().noneMatch(s -> s.state() == InstanceState.CREATING)) {
        h.advance(Duration.ofMillis(250));
        waited = waited.plusMillis(250);
      }
      gaps.add(waited);
    }
    assertThat(job).isNotDone();
    // Each wait is drawn from [d/2, d] with d doubling: the fourth exceeds the first.
    assertThat(gaps.get(3)).isGreaterThan(gaps.get(0));
    assertThat(gaps.get(3)).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void unreachableInstanceIsLostAfterTheThresholdItsHolderCancelledWithTheCause() {
    Harness h = harness(2, true);
    CompletableFuture<Acquisition> f = h.scaler.acquire("job", FOREVER);
    h.advance(Harness.BOOT);
    connector.runQueued();
    h.scaler.tick();
    Acquisition job = f.join();
    List<String> causes = new ArrayList<>();
    job.cancellation().thenAccept(causes::add);

    connector.unreachable(job.instanceId(), true);
    h.advance(Duration.ofMinutes(1)); // heartbeat queued
    connector.runQueued();
    h.scaler.tick(); // first failure: still in service
    assertThat(job.cancelCause()).isNull();
    assertThat(h.scaler.snapshot().instancesByState()).containsEntry("ready", 1);

    h.advance(Duration.ofMinutes(1));
    connector.runQueued();
    h.scaler.tick(); // second failure: lost
    assertThat(causes)
        .singleElement()
        .asString()
        .contains(job.instanceId())
        .contains("2 consecutive heartbeats failed")
        .contains("connection refused");
    assertThat(h.scaler.counter("fleetscaler_instance_losses_total", "cause", "heartbeat"))
        .isEqualTo(1);
    assertThat(h.scaler.release("job")).isFalse();
    // Its idle slot is never handed out; it is deleted and a replacement serves the next job.
    CompletableFuture<Acquisition> next = h.scaler.acquire("next", FOREVER);
    assertThat(next).isNotDone();
    h.scaler.tick();
    assertThat(h.scaler.counter("fleetscaler_instance_deletions_total", "reason", "unhealthy"))
        .isEqualTo(1);
    h.advance(Harness.BOOT);
    connector.runQueued();
    h.scaler.tick();
    assertThat(next).isCompleted();
    assertThat(next.join().instanceId()).isNotEqualTo(job.instanceId());
  }

  @Test
  void oneSuccessfulHeartbeatResetsTheFailureCount() {
    Harness h = harness(2, true);
    CompletableFuture<Acquisition> f = h.scaler.acquire("job", FOREVER);
    h.advance(Harness.BOOT);
    connector.runQueued();
    h.scaler.tick();
    Acquisition job = f.join();
    for (int round = 0; round < 3; round++) {
      connector.unreachable(job.instanceId(), true);
      h.advance(Duration.ofMinutes(1));
      connector.runQueued();
      h.scaler.tick();
      connector.unreachable(job.instanceId(), false);
      h.advance(Duration.ofMinutes(1));
      connector.runQueued();
      h.scaler.tick();
    }
    assertThat(job.cancelCause()).isNull();
    assertThat(connector.callsTo(job.instanceId()).stream().map(ScriptedConnector.Call::command))
        .containsExactly(READY, "exit 0", "exit 0", "exit 0", "exit 0", "exit 0", "exit 0");
  }

  @Test
  void lossesAreCountedByCause() {
    Harness h = harness(3, false);
    CompletableFuture<Acquisition> a = h.scaler.acquire("a", FOREVER);
    CompletableFuture<Acquisition> b = h.scaler.acquire("b", FOREVER);
    h.advance(Harness.BOOT);
    connector.runQueued();
    h.scaler.tick();
    h.simulated.loseInstance(a.join().instanceId());
    h.scaler.tick();
    assertThat(a.join().cancelCause()).contains("vanished");
    assertThat(b.join().cancelCause()).isNull();
    assertThat(h.scaler.counter("fleetscaler_instance_losses_total", "cause", "vanished"))
        .isEqualTo(1);
    assertThat(
            registry
                .get("fleetscaler.instance.losses")
                .tag("cause", "vanished")
                .functionCounter()
                .count())
        .isEqualTo(1.0);
    assertThat(
            registry
                .get("fleetscaler.instance.losses")
                .tag("cause", "timeout")
                .functionCounter()
                .count())
        .isZero();
  }
}
