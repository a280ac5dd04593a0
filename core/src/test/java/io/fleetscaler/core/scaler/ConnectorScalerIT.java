package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.connector.SshdProcess;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.simulated.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scaler's readiness commands and connector heartbeats against real OpenSSH sshd processes on
 * 127.0.0.1. Connector commands run on a direct executor, inside the tick, so each tick's outcome
 * is known when it returns: nothing waits on the scaler.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectorScalerIT {
  private static final Duration FOREVER = Duration.ofDays(1);
  private static final int POOL = 8;

  private Path dir;
  private String key;
  private final List<SshdProcess> pool = new ArrayList<>();
  private int used;

  @BeforeAll
  void startSshds(@TempDir Path tmp) throws IOException {
    dir = tmp;
    SshdProcess.generateKey(dir.resolve("id"));
    key = Files.readString(dir.resolve("id"), StandardCharsets.UTF_8);
    for (int i = 0; i < POOL; i++) {
      pool.add(SshdProcess.start(dir.resolve("sshd-" + i), dir.resolve("id.pub")));
    }
  }

  @AfterAll
  void stopSshds() {
    pool.forEach(SshdProcess::close);
  }

  /** A fleet over the next {@code n} unused sshds, so tests never share a host. */
  private SshdFleet fleet(int n, ManualClock clock) {
    SshdFleet f = new SshdFleet(pool.subList(used, used + n), key, clock);
    used += n;
    return f;
  }

  private static TaskScaler.Builder options(SshdFleet fleet, ManualClock clock) {
    return TaskScaler.builder(fleet)
        .clock(clock)
        .randomSeed(11)
        .manualTicks()
        .policies(List.of(Policy.of(0)))
        .maxInstances(2)
        .connectorExecutor(Runnable::run)
        .readinessTimeout(Duration.ofSeconds(20));
  }

  @Test
  void readyCommandRunsOnTheInstanceBeforeItTakesWork() throws IOException {
    ManualClock clock = new ManualClock();
    SshdFleet fleet = fleet(1, clock);
    Path marker = dir.resolve("ready.log");
    String command = "echo \"$SSH_CONNECTION\" >> " + marker;
    try (TaskScaler scaler = options(fleet, clock).instanceReadyCommand(command).build()) {
      CompletableFuture<Acquisition> job = scaler.acquire("job", FOREVER);
      scaler.tick();
      assertThat(job).isCompleted();
      // The command ran once, through the instance's own sshd (its port ends SSH_CONNECTION).
      String id = job.join().instanceId();
      assertThat(Files.readAllLines(marker))
          .singleElement()
          .asString()
          .endsWith(" " + fleet.sshd(id).port());
      assertThat(fleet.fetches(id)).isEqualTo(1);
    }
  }

  @Test
  void failingReadyCommandDeletesTheInstanceAndBacksOff() {
    ManualClock clock = new ManualClock();
    SshdFleet fleet = fleet(2, clock);
    try (TaskScaler scaler =
        options(fleet, clock).instanceReadyCommand("test -e /no/such/file").build()) {
      EngineTaskScaler engine = (EngineTaskScaler) scaler;
      CompletableFuture<Acquisition> job = scaler.acquire("job", FOREVER);
      scaler.tick(); // vm-1 runs, fails its command, is deleted; creation backs off
      assertThat(fleet.decreased()).containsExactly("vm-1");
      assertThat(engine.counter("fleetscaler_instance_deletions_total", "reason", "readiness"))
          .isEqualTo(1);
      scaler.tick();
      assertThat(fleet.ids()).isEmpty();
      assertThat(engine.counter("fleetscaler_did_not_scale_total", "reason", "backoff"))
          .isGreaterThanOrEqualTo(1);
      clock.advance(Duration.ofSeconds(1));
      scaler.tick(); // vm-2 is requested
      assertThat(fleet.ids()).containsExactly("vm-2");
      scaler.tick(); // it runs and fails too
      assertThat(fleet.decreased()).containsExactly("vm-1", "vm-2");
      assertThat(job).isNotDone();
    }
  }

  @Test
  void hostThatStopsAnsweringIsLostItsJobCancelledAndReplaced() {
    ManualClock clock = new ManualClock();
    SshdFleet fleet = fleet(2, clock);
    try (TaskScaler scaler =
        options(fleet, clock)
            .instanceReadyCommand("exit 0")
            .heartbeat(Duration.ofMinutes(1), 2)
            .connectorHeartbeat(true)
            .build()) {
      EngineTaskScaler engine = (EngineTaskScaler) scaler;
      CompletableFuture<Acquisition> f = scaler.acquire("job", FOREVER);
      scaler.tick();
      Acquisition job = f.join();
      List<String> causes = new ArrayList<>();
      job.cancellation().thenAccept(causes::add);

      fleet.sshd(job.instanceId()).kill();
      clock.advance(Duration.ofMinutes(1));
      scaler.tick(); // first failed heartbeat
      assertThat(causes).isEmpty();
      clock.advance(Duration.ofMinutes(1));
      scaler.tick(); // second: lost, cancelled, deleted
      assertThat(causes)
          .singleElement()
          .asString()
          .contains("instance " + job.instanceId() + " is unhealthy")
          .contains("the connector cannot reach it")
          .contains(fleet.sshd(job.instanceId()).hostPort());
      assertThat(engine.counter("fleetscaler_instance_losses_total", "cause", "heartbeat"))
          .isEqualTo(1);
      assertThat(fleet.decreased()).containsExactly(job.instanceId());

      CompletableFuture<Acquisition> next = scaler.acquire("next", FOREVER);
      scaler.tick();
      assertThat(next).isCompleted();
      assertThat(next.join().instanceId()).isEqualTo("vm-2");
    }
  }

  @Test
  void aDeadHostIsCaughtByTheHeartbeatBeforeTheJobGetsIt() {
    ManualClock clock = new ManualClock();
    SshdFleet fleet = fleet(2, clock);
    try (TaskScaler scaler =
        options(fleet, clock)
            .policies(List.of(Policy.of(1)))
            .acquireHeartbeat(true)
            .connectorHeartbeat(true)
            .failureThreshold(1)
            .build()) {
      EngineTaskScaler engine = (EngineTaskScaler) scaler;
      scaler.tick(); // the idle instance, vm-1, is requested
      scaler.tick(); // and ready
      assertThat(scaler.snapshot().instancesByState()).containsEntry("ready", 1);
      fleet.sshd("vm-1").kill();
      CompletableFuture<Acquisition> job = scaler.acquire("job", FOREVER);
      assertThat(job).isNotDone(); // its heartbeat failed: vm-1 is lost, vm-2 requested
      assertThat(engine.counter("fleetscaler_instance_losses_total", "cause", "heartbeat"))
          .isEqualTo(1);
      scaler.tick();
      assertThat(job).isCompleted();
      assertThat(job.join().instanceId()).isEqualTo("vm-2");
    }
  }

  @Test
  void expiredCredentialsAreFetchedAgainForTheNextHeartbeat() {
    ManualClock clock = new ManualClock();
    SshdFleet fleet = fleet(1, clock);
    fleet.credentialLifetime(Duration.ofMinutes(3));
    try (TaskScaler scaler =
        options(fleet, clock)
            .instanceReadyCommand("exit 0")
            .heartbeat(Duration.ofMinutes(1), 2)
            .connectorHeartbeat(true)
            .build()) {
      CompletableFuture<Acquisition> f = scaler.acquire("job", FOREVER);
      scaler.tick();
      String id = f.join().instanceId();
      assertThat(fleet.fetches(id)).isEqualTo(1);
      clock.advance(Duration.ofMinutes(1));
      scaler.tick();
      clock.advance(Duration.ofMinutes(1));
      scaler.tick();
      assertThat(fleet.fetches(id)).isEqualTo(1); // cached while valid
      clock.advance(Duration.ofMinutes(1));
      scaler.tick(); // expired now: fetched again
      assertThat(fleet.fetches(id)).isEqualTo(2);
      assertThat(f.join().cancelCause()).isNull();
    }
  }
}
