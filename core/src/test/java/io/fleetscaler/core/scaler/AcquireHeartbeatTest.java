package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats right before a slot is handed out, with a scripted connector whose commands run only
 * when the test says so.
 */
class AcquireHeartbeatTest {
  private static final Duration FOREVER = Duration.ofDays(1);

  private final ScriptedConnector connector = new ScriptedConnector();

  private Harness harness(int idle) {
    return new Harness(
        b ->
            b.policies(List.of(Policy.of(idle)))
                .maxInstances(4)
                .connector(connector)
                .connectorExecutor(connector::enqueue)
                .acquireHeartbeat(true)
                .connectorHeartbeat(true)
                .failureThreshold(2));
  }

  @Test
  void theSlotIsHandedOutOnlyAfterTheHeartbeatPassed() {
    Harness h = harness(1);
    h.bootAll();
    CompletableFuture<Acquisition> job = h.scaler.acquire("job", FOREVER);
    assertThat(job).isNotDone();
    assertThat(connector.runQueued()).isEqualTo(1);
    assertThat(job).isCompleted();
    assertThat(connector.calls())
        .singleElement()
        .satisfies(c -> assertThat(c.command()).isEqualTo("exit 0"))
        .satisfies(c -> assertThat(c.instanceId()).isEqualTo(job.join().instanceId()));
  }

  @Test
  void unreachableInstancesAreLostAtTheThresholdAndTheJobGoesToANewOne() {
    Harness h = harness(2);
    h.bootAll();
    List<String> first =
        List.copyOf(h.scaler.snapshot().instances().stream().map(i -> i.id()).toList());
    assertThat(first).hasSize(2);
    first.forEach(id -> connector.unreachable(id, true));

    CompletableFuture<Acquisition> job = h.scaler.acquire("job", FOREVER);
    while (connector.runQueued() > 0) {
      // Each failed heartbeat gives the slot back and the key tries again.
    }
    assertThat(job).isNotDone();
    assertThat(h.scaler.counter("fleetscaler_instance_losses_total", "cause", "heartbeat"))
        .isEqualTo(2);
    for (String id : first) {
      assertThat(connector.callsTo(id)).hasSize(2); // failure_threshold attempts each
    }
    h.scaler.tick(); // both lost instances are deleted; new ones are requested for the job
    h.advance(Harness.BOOT);
    assertThat(connector.runQueued()).isEqualTo(1);
    assertThat(job).isCompleted();
    assertThat(first).doesNotContain(job.join().instanceId());
    assertThat(job.join().cancelCause()).isNull();
  }

  @Test
  void aCallerThatGaveUpDuringTheHeartbeatLeavesTheSlotFree() {
    Harness h = harness(1);
    h.bootAll();
    CompletableFuture<Acquisition> job = h.scaler.acquire("job", FOREVER);
    job.cancel(false);
    connector.runQueued();
    assertThat(h.scaler.snapshot().slots().acquired()).isZero();
    CompletableFuture<Acquisition> next = h.scaler.acquire("next", FOREVER);
    connector.runQueued();
    assertThat(next).isCompleted();
  }
}
