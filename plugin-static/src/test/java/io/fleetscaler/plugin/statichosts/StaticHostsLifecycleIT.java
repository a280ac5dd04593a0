package io.fleetscaler.plugin.statichosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.fleetscaler.plugin.sdk.PluginLaunchSpec;
import io.fleetscaler.plugin.sdk.PluginProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.transport.verification.PromiscuousVerifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The static group against real sshd hosts it does not control: a host killed while in use is
 * reported and never handed out, a host that comes back is used again, and the connect info really
 * logs in. Hosts are this class's own (it kills them), three of them.
 */
class StaticHostsLifecycleIT {
  private static SshHosts hosts;

  private StaticInstanceGroup group;

  @BeforeAll
  static void startHosts() {
    hosts = SshHosts.start(3, SharedSshHosts.newWorkDir("fleetscaler-lifecycle-ssh-"));
  }

  @AfterAll
  static void stopHosts() {
    hosts.close();
  }

  @BeforeEach
  void openGroup() {
    for (int i = 0; i < hosts.hosts().size(); i++) {
      hosts.revive(i);
    }
    group = new StaticInstanceGroup();
    group.init(settings(), StaticConfigs.of(hosts, true, "2s"));
  }

  @AfterEach
  void closeGroup() {
    group.shutdown();
  }

  @Test
  void aHostKilledInUseIsReportedThenNeverHandedOutUntilItComesBack() {
    String a = name(0);
    String b = name(1);
    String c = name(2);
    assertThat(group.increase(3)).isEqualTo(3);
    assertThat(states(group.update()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(a, InstanceState.RUNNING, b, InstanceState.RUNNING, c, InstanceState.RUNNING));

    hosts.kill(1);
    assertThat(states(group.update()))
        .as("after %s was killed (%s)", b, hosts.kind())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(a, InstanceState.RUNNING, b, InstanceState.TIMEOUT, c, InstanceState.RUNNING));
    assertThatThrownBy(() -> group.heartbeat(b))
        .isInstanceOf(ProviderException.Unhealthy.class)
        .hasMessageContaining(b);
    assertThatCode(() -> group.heartbeat(a)).doesNotThrowAnyException();

    // The scaler removes the dead host; with the others in use there is nothing to hand out.
    assertThat(group.decrease(List.of(b))).containsExactly(b);
    assertThat(group.increase(1)).as("increase with only a dead host free").isZero();
    assertThat(group.inUse()).containsExactlyInAnyOrder(a, c);

    hosts.revive(1);
    assertThat(group.increase(1)).as("increase once %s is back", b).isEqualTo(1);
    assertThat(states(group.update())).containsEntry(b, InstanceState.RUNNING).hasSize(3);
  }

  @Test
  void aHostThatComesBackWhileInUseIsRunningAgain() {
    String a = name(0);
    assertThat(group.increase(1)).isEqualTo(1);
    hosts.kill(0);
    assertThat(states(group.update())).containsExactly(Map.entry(a, InstanceState.TIMEOUT));
    hosts.revive(0);
    assertThat(states(group.update())).containsExactly(Map.entry(a, InstanceState.RUNNING));
    assertThatCode(() -> group.heartbeat(a)).doesNotThrowAnyException();
  }

  @Test
  void increaseSkipsADeadFreeHost() {
    hosts.kill(0);
    assertThat(group.increase(3)).as("three hosts, one dead").isEqualTo(2);
    assertThat(group.inUse()).containsExactlyInAnyOrder(name(1), name(2));
  }

  @Test
  void theConnectInfoLogsInAndRunsACommand() throws IOException {
    assertThat(group.increase(3)).isEqualTo(3);
    for (String id : group.inUse()) {
      assertThat(runOver(group.connectInfo(id), "echo fleetscaler-$((6 * 7))"))
          .as("output of a command on %s", id)
          .isEqualTo("fleetscaler-42\n");
    }
  }

  @Test
  void theConnectInfoFromAPluginProcessLogsInToo() throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    InstanceGroup plugin =
        PluginProcess.launch(
            PluginLaunchSpec.of(
                StaticPluginMain.PLUGIN_NAME,
                List.of(
                    java,
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    StaticPluginMain.class.getName())));
    try {
      plugin.init(settings(), StaticConfigs.of(hosts, true, "2s"));
      assertThat(plugin.increase(1)).isEqualTo(1);
      String id = plugin.update().get(0).id();
      assertThat(runOver(plugin.connectInfo(id), "echo over-the-wire"))
          .isEqualTo("over-the-wire\n");
      plugin.decrease(List.of(id));
      plugin.shutdown();
    } finally {
      ((PluginClient) plugin).close();
    }
  }

  /** Logs in as the connect info says and returns the command's standard output. */
  private static String runOver(ConnectInfo info, String command) throws IOException {
    String address = info.dialAddress(true);
    int colon = address.lastIndexOf(':');
    ConnectorConfig connector = info.connector();
    String key = connector.privateKey();
    assertThat(key).as("private key read from key_path").isNotNull();
    try (SSHClient ssh = new SSHClient()) {
      // Host keys are generated per test run; there is nothing to pin them against.
      ssh.addHostKeyVerifier(new PromiscuousVerifier());
      ssh.setConnectTimeout(10_000);
      ssh.connect(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
      ssh.authPublickey(connector.username(), ssh.loadKeys(key, null, null));
      try (Session session = ssh.startSession()) {
        Session.Command cmd = session.exec(command);
        String out = new String(cmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        cmd.join(30, TimeUnit.SECONDS);
        assertThat(cmd.getExitStatus()).as("exit status of %s", command).isZero();
        return out;
      }
    }
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

  private static String name(int index) {
    return hosts.hosts().get(index).name();
  }

  private static Map<String, InstanceState> states(List<InstanceStatus> list) {
    return list.stream().collect(Collectors.toMap(InstanceStatus::id, InstanceStatus::state));
  }
}
