package io.fleetscaler.plugin.statichosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.connector.CommandResult;
import io.fleetscaler.core.connector.Connector;
import io.fleetscaler.core.connector.ConnectorSettings;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.Acquisition;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.api.Settings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The static group under the real {@link TaskScaler}, on real sshd hosts: a scale-up/scale-down
 * cycle whose {@code instance_ready_command} runs over SSH on each host, a host killed under a
 * running job, and the same host handed out again once it is back. The scaler ticks by hand under a
 * test clock and runs connector commands inside the tick; only the hosts are outside the test's
 * control. Each subclass starts its own three hosts from one backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TaskScalerCycleContract {
  private static final Duration FOREVER = Duration.ofDays(1);
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private SshHosts hosts;
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-01-05T10:00:00Z"));
  private final InstantSource clock = now::get;
  private SimpleMeterRegistry registry;
  private StaticInstanceGroup group;
  private TaskScaler scaler;
  private String token;

  /** Starts three hosts under {@code workDir}. */
  abstract SshHosts startHosts(Path workDir);

  @BeforeAll
  void startHosts() {
    hosts = startHosts(SharedSshHosts.newWorkDir("fleetscaler-cycle-ssh-"));
  }

  @AfterAll
  void stopHosts() {
    hosts.close();
  }

  @BeforeEach
  void startScaler() {
    for (int i = 0; i < hosts.hosts().size(); i++) {
      hosts.revive(i);
    }
    token = UUID.randomUUID().toString();
    // A registry per scaler: a second scaler's meters would otherwise bind to the first's.
    registry = new SimpleMeterRegistry();
    group = new StaticInstanceGroup();
    scaler =
        TaskScaler.builder(group)
            .plugin(settings(), StaticConfigs.of(hosts, true, "2s"))
            .clock(clock)
            .randomSeed(3)
            .manualTicks()
            .maxInstances(hosts.hosts().size())
            .policies(List.of(Policy.of(0).withIdleTime(Duration.ofMinutes(2))))
            // The file names the sshd's own port, so each host's proof is told apart even when
            // the hosts are processes sharing one file system.
            .instanceReadyCommand(
                "echo " + token + " > /tmp/fleetscaler-ready-" + token + ".${SSH_CONNECTION##* }")
            .readinessTimeout(TIMEOUT)
            .connectorExecutor(Runnable::run)
            .meterRegistry(registry)
            .build();
  }

  @AfterEach
  void stopScaler() {
    scaler.shutdown();
    if (hosts.kind().equals("sshd processes")) {
      for (SshHosts.Host h : hosts.hosts()) {
        new java.io.File("/tmp/fleetscaler-ready-" + token + "." + h.port()).delete();
      }
    }
  }

  private void advance(Duration d) {
    now.updateAndGet(t -> t.plus(d));
    scaler.tick();
  }

  /** Reads back, over SSH, the file the ready command wrote on the instance's host. */
  private String readinessProof(String instanceId) {
    Connector ssh = Connector.ssh(ConnectorSettings.defaults(), group::connectInfo, clock);
    CommandResult r =
        ssh.run(
            instanceId, "cat /tmp/fleetscaler-ready-" + token + ".${SSH_CONNECTION##* }", TIMEOUT);
    assertThat(r.exitStatus()).as("reading the proof on %s: %s", instanceId, r.output()).isZero();
    return r.output().strip();
  }

  @Test
  void scalesUpRunningTheReadyCommandOnEachHostThenScalesDown() {
    CompletableFuture<Acquisition> a = scaler.acquire("job-a", FOREVER);
    CompletableFuture<Acquisition> b = scaler.acquire("job-b", FOREVER);
    scaler.tick(); // both hosts listed running, ready command run on each over SSH
    assertThat(a).isCompleted();
    assertThat(b).isCompleted();
    assertThat(group.inUse())
        .containsExactlyInAnyOrder(a.join().instanceId(), b.join().instanceId());
    assertThat(readinessProof(a.join().instanceId())).isEqualTo(token);
    assertThat(readinessProof(b.join().instanceId())).isEqualTo(token);
    assertThat(registry.get("fleeting.taskscaler.task.instance.readiness.time").timer().count())
        .isEqualTo(2);

    assertThat(scaler.release("job-a")).isTrue();
    assertThat(scaler.release("job-b")).isTrue();
    advance(Duration.ofMinutes(1));
    assertThat(group.inUse()).hasSize(2); // not idle long enough
    advance(Duration.ofMinutes(1));
    assertThat(group.inUse()).isEmpty();
    scaler.tick(); // the next update no longer lists them
    assertThat(scaler.snapshot().instances()).isEmpty();
  }

  @Test
  void aHostKilledUnderAJobCancelsItWithTheCauseAndIsHandedOutAgainOnceBack() {
    CompletableFuture<Acquisition> f = scaler.acquire("job", FOREVER);
    scaler.tick();
    Acquisition job = f.join();
    String dead = job.instanceId();
    int deadIndex = indexOf(dead);
    List<String> causes = new ArrayList<>();
    job.cancellation().thenAccept(causes::add);

    hosts.kill(deadIndex);
    scaler.tick(); // the plugin's probe reports the host timed out: the job is cancelled
    assertThat(causes)
        .as("cause on %s", hosts.kind())
        .singleElement()
        .asString()
        .contains("instance " + dead)
        .contains("timed out");
    assertThat(
            registry
                .get("fleetscaler.instance.losses")
                .tag("cause", "timeout")
                .functionCounter()
                .count())
        .isEqualTo(1.0);
    assertThat(group.inUse()).doesNotContain(dead); // deleted: back in the pool, but dead

    // Every other host is handed out; the dead one never is.
    List<CompletableFuture<Acquisition>> more = new ArrayList<>();
    for (int i = 0; i < hosts.hosts().size(); i++) {
      more.add(scaler.acquire("more-" + i, FOREVER));
    }
    scaler.tick();
    scaler.tick();
    assertThat(more.stream().filter(CompletableFuture::isDone)).hasSize(hosts.hosts().size() - 1);
    assertThat(group.inUse()).doesNotContain(dead).hasSize(hosts.hosts().size() - 1);

    hosts.revive(deadIndex);
    advance(Duration.ofSeconds(2));
    scaler.tick();
    assertThat(more).allMatch(CompletableFuture::isDone);
    assertThat(more.stream().map(m -> m.join().instanceId())).contains(dead);
    assertThat(readinessProof(dead)).isEqualTo(token);
  }

  private int indexOf(String name) {
    for (int i = 0; i < hosts.hosts().size(); i++) {
      if (hosts.hosts().get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no host " + name);
  }

  private static Settings settings() {
    return new Settings(
        new ConnectorConfig(
            "linux",
            "amd64",
            Protocol.SSH,
            22,
            "nobody",
            null,
            null,
            true,
            Duration.ZERO,
            Duration.ofSeconds(10)));
  }
}
