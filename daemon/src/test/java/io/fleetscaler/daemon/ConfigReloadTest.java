package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.Decision;
import io.fleetscaler.core.scaler.ReserveResult;
import io.fleetscaler.core.scaler.ScalerSnapshot;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.daemon.config.ConfigFile;
import io.fleetscaler.daemon.config.DaemonConfig;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a SIGHUP reload applies, what it only reports, and that a broken file changes nothing. */
class ConfigReloadTest {
  @TempDir Path tmp;

  private final ManualClock clock = new ManualClock();

  @SuppressWarnings("NullAway.Init") // set in start()
  private Path file;

  @SuppressWarnings("NullAway.Init")
  private TaskScaler scaler;

  @SuppressWarnings("NullAway.Init")
  private ConfigReload reload;

  @BeforeEach
  void start() throws Exception {
    file = tmp.resolve("f.toml");
    Files.writeString(file, file(4, "idle_count = 1"));
    DaemonConfig config = ConfigFile.load(file);
    scaler =
        config
            .groups()
            .get(0)
            .applyTo(TaskScaler.builder(new SimulatedInstanceGroup(clock)))
            .clock(clock)
            .manualTicks()
            .randomSeed(3)
            .build();
    reload = new ConfigReload(file, config, Map.of("g", scaler));
  }

  @AfterEach
  void stop() {
    scaler.shutdown();
  }

  private static String file(int maxInstances, String policy) {
    return """
        [[group]]
        name = "g"
        plugin = "simulated"
        max_instances = %d
        [group.plugin_config]
        create_latency = "1s"
        [[group.policy]]
        %s
        """
        .formatted(maxInstances, policy);
  }

  @Test
  void appliesChangedPoliciesAtOnceAndKeepsReservations() throws Exception {
    scaler.tick();
    clock.advance(Duration.ofSeconds(2));
    scaler.tick();
    assertThat(scaler.reserve("job")).isEqualTo(ReserveResult.RESERVED);
    Files.writeString(file, file(4, "idle_count = 3\nidle_time = \"20m\""));

    List<String> lines = reload.reload();

    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .startsWith("reload: group g: policies [{periods [* * * * *]")
        .contains("idle_count 1, idle_time 5m")
        .contains("-> [{periods [* * * * *]")
        .contains("idle_count 3, idle_time 20m");
    assertThat(scaler.snapshot().activePolicy().idleCount()).isEqualTo(3);
    // Applied with a tick at once (the clock has not moved): more instances asked for, and the
    // reservation kept.
    ScalerSnapshot after = scaler.snapshot();
    Decision last = after.recentDecisions().get(after.recentDecisions().size() - 1);
    assertThat(last.at()).isEqualTo(clock.instant());
    assertThat(last.requested()).isGreaterThanOrEqualTo(2);
    assertThat(after.slots().reserved()).isEqualTo(1L);
    assertThat(reload.running().groups().get(0).policies())
        .extracting(Policy::idleCount)
        .containsExactly(3);
  }

  @Test
  void otherChangesAreReportedAsNeedingARestartAndNotApplied() throws Exception {
    Files.writeString(
        file,
        file(9, "idle_count = 1")
            + "\n[[group]]\nname = \"new\"\nplugin = \"simulated\"\nmax_instances = 1\n");

    List<String> lines = reload.reload();

    assertThat(lines)
        .containsExactly(
            "reload: group g: max_instances changed: needs a restart",
            "reload: group new added: needs a restart");
    assertThat(reload.running().groups().get(0).maxInstances()).isEqualTo(4);
    assertThat(reload.running().groups()).hasSize(1);
  }

  @Test
  void aBrokenFileKeepsTheRunningConfigurationAndReportsEveryError() throws Exception {
    DaemonConfig before = reload.running();
    Files.writeString(file, file(4, "idle_count = -3\ntimezone = \"Nowhere/Else\""));

    List<String> lines = reload.reload();

    assertThat(lines)
        .containsExactly(
            "reload failed: " + file + ": 2 errors; the running configuration stays in force",
            file + ":8: group[0].policy[0].idle_count: must be in 0..2147483647, got -3",
            file
                + ":9: group[0].policy[0].timezone: unknown time zone \"Nowhere/Else\" (expected"
                + " an IANA name such as \"Europe/Berlin\")");
    assertThat(reload.running()).isSameAs(before);
    assertThat(scaler.snapshot().activePolicy().idleCount()).isEqualTo(1);
  }

  @Test
  void anUnchangedFileSaysSo() {
    assertThat(reload.reload()).containsExactly("reload of " + file + ": nothing changed");
  }

  @Test
  void aFifoInPlaceOfTheFileFailsAtOnceAndTheNextReloadWorks() throws Exception {
    Files.delete(file);
    Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(mkfifo.exitValue()).isZero();

    // Nobody writes the FIFO: opening it would block this thread for good.
    List<String> lines = reload.reload();

    assertThat(lines)
        .containsExactly(
            "reload failed: " + file + ": 1 error; the running configuration stays in force",
            file
                + ": not a regular file (a pipe, socket or device): refused without reading,"
                + " since it may never end");
    Files.delete(file);
    Files.writeString(file, file(4, "idle_count = 2"));
    assertThat(reload.reload()).singleElement().asString().contains("idle_count 2");
  }

  @Test
  void aFileOverTheSizeLimitIsRefusedOnReloadToo() throws Exception {
    Files.writeString(file, file(4, "idle_count = 1") + "#".repeat(1024 * 1024) + "\n");

    List<String> lines = reload.reload();

    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).contains("too large").contains("1024 KiB");
    assertThat(reload.reload()).hasSize(2);
  }

  @Test
  void anErrorDuringAReloadIsLoggedAndTheNextReloadWorks() throws Exception {
    int[] calls = {0};
    ConfigReload failing =
        new ConfigReload(
            file,
            reload.running(),
            Map.of("g", scaler),
            f -> {
              if (calls[0]++ == 0) {
                throw new StackOverflowError();
              }
              return ConfigFile.load(f);
            });

    assertThat(failing.reload())
        .containsExactly(
            "reload failed: StackOverflowError; the running configuration stays in force");
    Files.writeString(file, file(4, "idle_count = 2"));
    assertThat(failing.reload()).singleElement().asString().contains("idle_count 2");
  }

  private static String sharded(String shardOfG2, String policyOfG1) {
    return """
        [daemon.ha]
        etcd_endpoints = ["http://127.0.0.1:2379"]
        node_name = "n1"
        advertise_api = "127.0.0.1:9403"

        [[group]]
        name = "g1"
        shard = "a"
        plugin = "simulated"
        max_instances = 2
        [[group.policy]]
        %s

        [[group]]
        name = "g2"
        shard = "%s"
        plugin = "simulated"
        max_instances = 2
        """
        .formatted(policyOfG1, shardOfG2);
  }

  @Test
  void aChangedShardIsReportedAndTheRunningHaSettingsAndShardsAreKept() throws Exception {
    Path ha = tmp.resolve("ha.toml");
    Files.writeString(ha, sharded("b", "idle_count = 1"));
    DaemonConfig config = ConfigFile.load(ha);
    TaskScaler g1 =
        config
            .groups()
            .get(0)
            .applyTo(TaskScaler.builder(new SimulatedInstanceGroup(clock)))
            .clock(clock)
            .manualTicks()
            .build();
    TaskScaler g2 =
        config
            .groups()
            .get(1)
            .applyTo(TaskScaler.builder(new SimulatedInstanceGroup(clock)))
            .clock(clock)
            .manualTicks()
            .build();
    try {
      ConfigReload r = new ConfigReload(ha, config, Map.of("g1", g1, "g2", g2));
      Files.writeString(ha, sharded("c", "idle_count = 2"));

      List<String> lines = r.reload();

      assertThat(lines)
          .contains("reload: group g2: shard changed from b to c; takes effect at restart");
      DaemonConfig running = r.running();
      assertThat(running.groups().get(0).policies())
          .isEqualTo(ConfigFile.load(ha).groups().get(0).policies());
      assertThat(running.ha()).isEqualTo(config.ha());
      assertThat(running.shards()).isEqualTo(Map.of("g1", "a", "g2", "b"));
      assertThat(running.shardOf("g2")).isEqualTo("b");
    } finally {
      g1.shutdown();
      g2.shutdown();
    }
  }
}
