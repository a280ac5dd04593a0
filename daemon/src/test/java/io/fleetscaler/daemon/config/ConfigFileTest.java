package io.fleetscaler.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.connector.CommandResult;
import io.fleetscaler.core.connector.Connector;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.ScalerSnapshot;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Good files load into exactly the values they spell, and defaults are gitlab-runner's. */
class ConfigFileTest {

  @TempDir Path tmp;

  private static Path fixture(String name) throws URISyntaxException {
    return Path.of(
        Objects.requireNonNull(ConfigFileTest.class.getResource("/config/good/" + name)).toURI());
  }

  @Test
  void aMinimalGroupGetsGitlabRunnersDefaults() throws Exception {
    DaemonConfig config = ConfigFile.load(fixture("minimal.toml"));

    assertThat(config.daemon()).isEqualTo(DaemonSettings.defaults());
    GroupConfig g = config.groups().get(0);
    assertThat(g.name()).isEqualTo("minimal");
    assertThat(g.plugin()).isEqualTo(new PluginRef.BuiltIn("simulated"));
    assertThat(g.pluginConfigJson()).isEqualTo("{}");
    assertThat(g.capacityPerInstance()).isEqualTo(1);
    assertThat(g.maxUseCount()).isZero();
    assertThat(g.maxInstances()).isEqualTo(5);
    assertThat(g.deleteInstancesOnShutdown()).isFalse();
    assertThat(g.instanceReadyCommand()).isEmpty();
    assertThat(g.instanceAcquireTimeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(g.updateInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(g.updateIntervalWhenExpecting()).isEqualTo(Duration.ofSeconds(2));
    assertThat(g.deletionRetryInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(g.shutdownDeletionInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(g.shutdownDeletionRetries()).isEqualTo(3);
    assertThat(g.failureThreshold()).isEqualTo(3);
    assertThat(g.logInternalIp()).isFalse();
    assertThat(g.logExternalIp()).isFalse();
    assertThat(g.reservationThrottling()).isTrue();
    assertThat(g.scaleThrottle()).isEqualTo(ScaleThrottle.DEFAULT);
    assertThat(g.connector()).isEqualTo(ConnectorOptions.DEFAULT);
    assertThat(g.stateStorage().enabled()).isFalse();
    assertThat(g.stateStorage().dir())
        .isEqualTo(fixture("minimal.toml").resolveSibling(".taskscaler"));
    assertThat(g.stateStorage().keepInstanceWithAcquisitions()).isFalse();
    assertThat(g.policies()).isEmpty();
  }

  @Test
  void everyKeyIsRead() throws Exception {
    DaemonConfig config = ConfigFile.load(fixture("full.toml"));

    assertThat(config.daemon().httpListen()).isEqualTo("127.0.0.1:19402");
    assertThat(config.daemon().grpcListen()).isEqualTo("127.0.0.1:19403");
    assertThat(config.daemon().logFormat()).isEqualTo(LogFormat.JSON);
    assertThat(config.groups()).extracting(GroupConfig::name).containsExactly("linux", "windows");
    GroupConfig g = config.group("linux").orElseThrow();
    assertThat(g.pluginConfigJson())
        .contains("\"name\" : \"linux\"")
        .contains("\"max_size\" : 30")
        .contains("\"answer\" : 42");
    assertThat(g.capacityPerInstance()).isEqualTo(4);
    assertThat(g.maxUseCount()).isEqualTo(50);
    assertThat(g.maxInstances()).isEqualTo(30);
    assertThat(g.deleteInstancesOnShutdown()).isTrue();
    assertThat(g.instanceReadyCommand()).isEqualTo("test -f /var/run/ready");
    assertThat(g.instanceAcquireTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(g.updateInterval()).isEqualTo(Duration.ofSeconds(45));
    assertThat(g.updateIntervalWhenExpecting()).isEqualTo(Duration.ofSeconds(3));
    assertThat(g.deletionRetryInterval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(g.shutdownDeletionInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(g.shutdownDeletionRetries()).isEqualTo(5);
    assertThat(g.failureThreshold()).isEqualTo(4);
    assertThat(g.logInternalIp()).isTrue();
    assertThat(g.logExternalIp()).isTrue();
    assertThat(g.reservationThrottling()).isFalse();
    assertThat(g.scaleThrottle()).isEqualTo(new ScaleThrottle(2.5, 7));
    assertThat(g.connector())
        .isEqualTo(
            new ConnectorOptions(
                "linux",
                "arm64",
                Protocol.SSH,
                2222,
                "runner",
                "not-a-real-password",
                Path.of("/etc/fleetscaler/id_ed25519"),
                true,
                Duration.ofSeconds(30),
                Duration.ofMinutes(1),
                true));
    assertThat(g.connector().toString()).doesNotContain("not-a-real-password");
    assertThat(g.toString()).doesNotContain("not-a-real-password").doesNotContain("max_size");
    assertThat(g.stateStorage())
        .isEqualTo(new StateStorage(true, Path.of("/var/lib/fleetscaler"), true));
    assertThat(g.policies())
        .containsExactly(
            new Policy(
                List.of(Policy.ALWAYS),
                ZoneId.systemDefault(),
                1,
                Duration.ofMinutes(10),
                0,
                0,
                true),
            new Policy(
                List.of("* 8-18 * * mon-fri", "* 10-14 * * sat"),
                ZoneId.of("America/New_York"),
                6,
                Duration.ofHours(1),
                1.5,
                12,
                false));
    GroupConfig windows = config.group("windows").orElseThrow();
    assertThat(windows.connector().protocol()).isEqualTo(Protocol.WINRM_HTTPS);
    assertThat(windows.maxInstances()).isEqualTo(3);
  }

  @Test
  void gitlabsAzureDockerAutoscalerExampleLoadsUnchangedOnTheBuiltInAzurePlugin() throws Exception {
    List<ConfigError> warnings = new ArrayList<>();
    DaemonConfig config =
        ConfigFile.load(fixture("gitlab-docker-autoscaler-azure.toml"), warnings::add);

    GroupConfig g = config.groups().get(0);
    assertThat(g.plugin()).isEqualTo(new PluginRef.BuiltIn("azure"));
    assertThat(g.maxInstances()).isEqualTo(10);
    assertThat(g.pluginConfigJson())
        .contains("\"name\" : \"my-docker-vmss\"")
        .contains("\"subscription_id\" : \"9b3c4602-cde2-4089-bed8-889e5a3e7102\"")
        .contains("\"resource_group_name\" : \"my-resource-group\"");
    assertThat(g.connector().username()).isEqualTo("azureuser");
    assertThat(g.connector().useStaticCredentials()).isTrue();
    assertThat(g.connector().useExternalAddr()).isTrue();
    assertThat(g.policies()).hasSize(1);
    assertThat(g.policies().get(0).idleCount()).isEqualTo(5);
    assertThat(warnings.toString())
        .doesNotContain("glrt-not-a-real-token")
        .doesNotContain("my-scale-set-static-password");
  }

  @Test
  void gitlabsDockerAutoscalerExampleLoadsUnchanged() throws Exception {
    List<ConfigError> warnings = new ArrayList<>();
    DaemonConfig config =
        ConfigFile.load(fixture("gitlab-docker-autoscaler-aws.toml"), warnings::add);

    GroupConfig g = config.groups().get(0);
    assertThat(g.name()).isEqualTo("docker autoscaler example");
    assertThat(g.plugin()).isEqualTo(new PluginRef.BuiltIn("aws"));
    assertThat(g.capacityPerInstance()).isEqualTo(1);
    assertThat(g.maxUseCount()).isEqualTo(1);
    assertThat(g.maxInstances()).isEqualTo(10);
    assertThat(g.pluginConfigJson()).contains("\"name\" : \"my-docker-asg\"");
    assertThat(g.connector().username()).isEqualTo("ec2-user");
    assertThat(g.connector().useExternalAddr()).isTrue();
    assertThat(g.policies()).hasSize(1);
    assertThat(g.policies().get(0).idleCount()).isEqualTo(5);
    assertThat(g.policies().get(0).idleTime()).isEqualTo(Duration.ofMinutes(20));
    assertThat(g.policies().get(0).preemptiveMode()).isTrue();
    assertThat(warnings)
        .extracting(ConfigError::key)
        .containsExactly(
            "concurrent",
            "runners[0].url",
            "runners[0].token",
            "runners[0].shell",
            "runners[0].executor",
            "runners[0].docker");
    assertThat(warnings.toString()).doesNotContain("glrt-not-a-real-token");
  }

  @Test
  void gitlabsGoogleCloudExampleLoadsUnchangedOnTheBuiltInProvider() throws Exception {
    List<ConfigError> warnings = new ArrayList<>();
    DaemonConfig config =
        ConfigFile.load(fixture("gitlab-docker-autoscaler-googlecloud.toml"), warnings::add);

    GroupConfig g = config.groups().get(0);
    assertThat(g.plugin()).isEqualTo(new PluginRef.BuiltIn("googlecloud"));
    assertThat(g.maxInstances()).isEqualTo(10);
    assertThat(g.pluginConfigJson())
        .contains("\"name\" : \"my-docker-instance-group\"")
        .contains("\"project\" : \"my-gcp-project\"")
        .contains("\"zone\" : \"europe-west1-c\"")
        .contains("\"credentials_file\" : ");
    assertThat(g.connector().username()).isEqualTo("runner");
    assertThat(g.connector().useExternalAddr()).isTrue();
    assertThat(warnings).extracting(ConfigError::key).doesNotContain("runners[0].autoscaler");
  }

  @Test
  void gitlabsInstanceExampleUsesTheBuiltInGoogleProviderEvenWithAPluginOnPath() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path plugin = bin.resolve("fleeting-plugin-googlecompute");
    Files.writeString(plugin, "#!/bin/sh\nexit 1\n");
    Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwx------"));
    List<ConfigError> warnings = new ArrayList<>();

    DaemonConfig config =
        new ConfigLoader("/nonexistent:" + bin)
            .load(fixture("gitlab-instance-googlecompute.toml"), warnings::add);

    assertThat(config.groups()).hasSize(1);
    GroupConfig g = config.groups().get(0);
    assertThat(g.plugin()).isEqualTo(new PluginRef.BuiltIn("googlecompute"));
    assertThat(plugin).as("GitLab's name maps to the built-in provider").isExecutable();
    assertThat(g.capacityPerInstance()).isEqualTo(2);
    assertThat(g.deleteInstancesOnShutdown()).isTrue();
    assertThat(g.instanceReadyCommand()).isEqualTo("cloud-init status --wait");
    assertThat(g.scaleThrottle()).isEqualTo(new ScaleThrottle(10, 5));
    assertThat(g.connector().keyPath())
        .isEqualTo(fixture("gitlab-instance-googlecompute.toml").resolveSibling("keys/id_ed25519"));
    assertThat(g.connector().timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(g.policies()).hasSize(2);
    assertThat(g.policies().get(0).scaleFactor()).isEqualTo(0.5);
    assertThat(g.policies().get(1).timezone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(g.policies().get(1).idleTime()).isEqualTo(Duration.ofMinutes(90));
    assertThat(g.policies().get(1).preemptiveMode()).isFalse();
    assertThat(warnings)
        .extracting(ConfigError::key)
        .contains(
            "concurrent", "check_interval", "log_level", "runners[0].instance", "runners[1].name");
  }

  @Test
  void pluginsDirIsSearchedBeforePathAndTlsFilesMustExistAndKeysBePrivate() throws Exception {
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    Path plugin = plugins.resolve("fleetscaler-plugin-mine");
    Files.writeString(plugin, "#!/bin/sh\nexit 1\n");
    Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(tmp.resolve("cert.pem"), "cert");
    Files.writeString(tmp.resolve("key.pem"), "key");
    Files.setPosixFilePermissions(
        tmp.resolve("key.pem"), PosixFilePermissions.fromString("rw-------"));
    Files.writeString(tmp.resolve("token"), "secret-token");
    Files.setPosixFilePermissions(
        tmp.resolve("token"), PosixFilePermissions.fromString("rw-r--r--"));
    Path file = tmp.resolve("fleetscaler.toml");
    Files.writeString(
        file,
        """
        [daemon]
        plugins_dir = "plugins"
        [daemon.tls]
        cert_file = "cert.pem"
        key_file = "key.pem"
        [daemon.auth]
        token_file = "token"

        [[group]]
        name = "mine"
        plugin = "mine"
        max_instances = 2
        """);

    ConfigException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ConfigException.class, () -> new ConfigLoader("").load(file, w -> {}));
    assertThat(e.errors()).hasSize(1);
    assertThat(e.errors().get(0).toString())
        .isEqualTo(
            file
                + ":7: daemon.auth.token_file: "
                + tmp.resolve("token")
                + " holds a secret but others may read it: chmod 600 it");

    Files.setPosixFilePermissions(
        tmp.resolve("token"), PosixFilePermissions.fromString("rw-------"));
    DaemonConfig config = new ConfigLoader("").load(file, w -> {});
    assertThat(config.daemon().pluginsDir()).isEqualTo(plugins);
    assertThat(config.daemon().tlsCertFile()).isEqualTo(tmp.resolve("cert.pem"));
    assertThat(config.daemon().tlsKeyFile()).isEqualTo(tmp.resolve("key.pem"));
    assertThat(config.daemon().authTokenFile()).isEqualTo(tmp.resolve("token"));
    assertThat(config.groups().get(0).plugin()).isEqualTo(new PluginRef.Executable(plugin));
  }

  @Test
  void standbyKeysAreOursAndOffByDefault() throws Exception {
    Path file = tmp.resolve("standby.toml");
    Files.writeString(
        file,
        """
        [[group]]
        name = "sim"
        plugin = "simulated"
        max_instances = 40
        [[group.policy]]
        idle_count = 1
        [[group.policy]]
        periods = ["* 8-18 * * mon-fri"]
        standby_count = 20
        standby_max_age = "12h"
        """);

    GroupConfig g = ConfigFile.load(file, w -> {}).groups().get(0);

    assertThat(g.policies().get(0).standbyCount()).isZero();
    assertThat(g.policies().get(0).standbyMaxAge()).isZero();
    assertThat(g.policies().get(1).standbyCount()).isEqualTo(20);
    assertThat(g.policies().get(1).standbyMaxAge()).isEqualTo(Duration.ofHours(12));
  }

  @Test
  void badStandbyKeysAreReportedWithTheirLines() throws Exception {
    Path file = tmp.resolve("bad-standby.toml");
    Files.writeString(
        file,
        """
        [[group]]
        name = "sim"
        plugin = "simulated"
        [[group.policy]]
        standby_count = -1
        standby_max_age = "soon"
        """);

    ConfigException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ConfigException.class, () -> ConfigFile.load(file, w -> {}));

    assertThat(e.errors().toString())
        .contains("bad-standby.toml:5")
        .contains("standby_count")
        .contains("bad-standby.toml:6")
        .contains("standby_max_age");
  }

  @Test
  void demandSizingKeysAreOursAndOffByDefault() throws Exception {
    Path file = tmp.resolve("demand.toml");
    Files.writeString(
        file,
        """
        [[group]]
        name = "sim"
        plugin = "simulated"
        max_instances = 40
        [[group.policy]]
        idle_count = 1
        [[group.policy]]
        periods = ["* 8-18 * * mon-fri"]
        idle_lead = "20s"
        standby_burst_factor = 0.75
        demand_window = "3h"
        idle_window = "1m"
        """);

    GroupConfig g = ConfigFile.load(file, w -> {}).groups().get(0);

    assertThat(g.policies().get(0).demand()).isEqualTo(io.fleetscaler.core.policy.DemandSizing.OFF);
    var d = g.policies().get(1).demand();
    assertThat(d.idleLead()).isEqualTo(Duration.ofSeconds(20));
    assertThat(d.standbyBurstFactor()).isEqualTo(0.75);
    assertThat(d.window()).isEqualTo(Duration.ofHours(3));
    assertThat(d.idleWindow()).isEqualTo(Duration.ofMinutes(1));
    assertThat(g.policies().get(0).demand().decaying()).as("off by default").isFalse();
  }

  @Test
  void anIdleWindowWithoutALeadOrOutOfRangeIsReportedWithItsLine() throws Exception {
    Path file = tmp.resolve("bad-idle-window.toml");
    Files.writeString(
        file,
        """
        [[group]]
        name = "sim"
        plugin = "simulated"
        [[group.policy]]
        idle_window = "30s"
        [[group.policy]]
        idle_lead = "20s"
        idle_window = "2h"
        """);

    ConfigException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ConfigException.class, () -> ConfigFile.load(file, w -> {}));

    assertThat(e.errors().toString())
        .contains("bad-idle-window.toml:5")
        .contains("sizes the idle target of idle_lead, which is 0s")
        .contains("bad-idle-window.toml:8")
        .contains("idle_window: must be 0s (off) or between 1s and 1h");
  }

  @Test
  void badDemandSizingKeysAreReportedWithTheirLines() throws Exception {
    Path file = tmp.resolve("bad-demand.toml");
    Files.writeString(
        file,
        """
        [[group]]
        name = "sim"
        plugin = "simulated"
        [[group.policy]]
        idle_lead = "2h"
        standby_burst_factor = -1
        demand_window = "90s"
        """);

    ConfigException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ConfigException.class, () -> ConfigFile.load(file, w -> {}));

    assertThat(e.errors().toString())
        .contains("bad-demand.toml:5")
        .contains("idle_lead")
        .contains("bad-demand.toml:6")
        .contains("standby_burst_factor")
        .contains("bad-demand.toml:7")
        .contains("demand_window");
  }

  @Test
  void preemptiveModeWithoutAnIdleTargetIsWarnedAbout() throws Exception {
    Path file = tmp.resolve("preemptive.toml");
    Files.writeString(
        file,
        """
        [[group]]
        name = "sim"
        plugin = "simulated"
        max_instances = 4
        [[group.policy]]
        idle_count = 2
        [[group.policy]]
        periods = ["* * * * sat,sun"]
        idle_count = 0
        preemptive_mode = true
        """);
    List<ConfigError> warnings = new ArrayList<>();

    ConfigFile.load(file, warnings::add);

    // The first policy is preemptive by default (idle_count > 0) and fine; the second never
    // makes a slot to hand out.
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0).toString())
        .contains("preemptive.toml:10")
        .contains("group[0].policy[1].preemptive_mode")
        .contains("idle_count = 0");
  }

  @Test
  void applyToConfiguresAScalerOverTheSimulatedCloud() throws Exception {
    Path file = tmp.resolve("apply.toml");
    Files.writeString(
        file,
        """
        [[group]]
        name = "sim"
        plugin = "simulated"
        capacity_per_instance = 3
        max_instances = 4
        [group.plugin_config]
        create_latency = "10s"
        [[group.policy]]
        idle_count = 7
        idle_time = "2m"
        """);
    GroupConfig g = ConfigFile.load(file).groups().get(0);
    ManualClock clock = new ManualClock();

    try (TaskScaler scaler =
        g.applyTo(TaskScaler.builder(new SimulatedInstanceGroup(clock)))
            .clock(clock)
            .manualTicks()
            .randomSeed(1)
            .build()) {
      scaler.tick();
      ScalerSnapshot first = scaler.snapshot();
      assertThat(first.activePolicy()).isEqualTo(g.policies().get(0));
      // Seven idle slots at three per instance: three instances requested at once.
      assertThat(first.requested()).isEqualTo(3);

      clock.advance(Duration.ofSeconds(11));
      scaler.tick();
      assertThat(scaler.snapshot().slots().idle()).isEqualTo(9L);
    }
  }

  @Test
  void applyToRunsTheReadyCommandThroughTheConnector() throws Exception {
    Path file = tmp.resolve("ready.toml");
    Files.writeString(
        file,
        """
        [[group]]
        name = "sim"
        plugin = "simulated"
        max_instances = 2
        instance_ready_command = "cloud-init status --wait"
        [group.plugin_config]
        create_latency = "10s"
        [[group.policy]]
        idle_count = 1
        """);
    GroupConfig g = ConfigFile.load(file).groups().get(0);
    ManualClock clock = new ManualClock();
    List<String> commands = new ArrayList<>();
    Connector recording =
        new Connector() {
          @Override
          public CommandResult run(String instanceId, String command, Duration timeout) {
            commands.add(command);
            return new CommandResult(0, "");
          }

          @Override
          public void forget(String instanceId) {}
        };

    try (TaskScaler scaler =
        g.applyTo(TaskScaler.builder(new SimulatedInstanceGroup(clock)))
            .connector(recording)
            .connectorExecutor(Runnable::run)
            .clock(clock)
            .manualTicks()
            .randomSeed(1)
            .build()) {
      scaler.tick();
      clock.advance(Duration.ofSeconds(11));
      scaler.tick();
      assertThat(commands).containsExactly("cloud-init status --wait");
      assertThat(scaler.snapshot().slots().idle()).isEqualTo(1L);
    }
  }
}
