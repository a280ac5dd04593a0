package io.fleetscaler.plugin.statichosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The group's pool logic with a scripted probe: no network. */
class StaticInstanceGroupTest {
  private static final String THREE_HOSTS =
      """
      {"instances": {
         "c": {"external_addr": "192.0.2.3:22"},
         "a": {"external_addr": "192.0.2.1:22"},
         "b": {"external_addr": "192.0.2.2:22"}}}
      """;

  private final ScriptedProbe probe = new ScriptedProbe();
  private final StaticInstanceGroup group = new StaticInstanceGroup(timeout -> probe);

  @Test
  void initDescribesThePool() {
    ProviderInfo info = group.init(settings(), THREE_HOSTS);
    assertThat(info.id()).isEqualTo("static/a,b,c");
    assertThat(info.maxSize()).isEqualTo(3);
    assertThat(info.capabilities()).isEmpty();
    assertThat(info.version()).isEqualTo(StaticInstanceGroup.VERSION);
  }

  @Test
  void increaseHandsOutFreeHostsInNameOrderUpToWhatIsAvailable() {
    group.init(settings(), THREE_HOSTS);
    assertThat(group.update()).isEmpty();
    assertThat(group.increase(2)).isEqualTo(2);
    assertThat(group.inUse()).containsExactlyInAnyOrder("a", "b");
    assertThat(group.increase(5)).isEqualTo(1);
    assertThat(group.increase(1)).isZero();
    assertThat(states()).containsOnlyKeys("a", "b", "c").doesNotContainValue(InstanceState.TIMEOUT);
  }

  @Test
  void aDeadHostIsReportedAsTimeoutAndRunningAgainWhenItAnswers() {
    group.init(settings(), THREE_HOSTS);
    group.increase(3);
    probe.kill("192.0.2.2:22");
    assertThat(states())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "a",
                InstanceState.RUNNING,
                "b",
                InstanceState.TIMEOUT,
                "c",
                InstanceState.RUNNING));
    assertThatThrownBy(() -> group.heartbeat("b"))
        .isInstanceOf(ProviderException.Unhealthy.class)
        .hasMessageContaining("host b does not answer");
    probe.revive("192.0.2.2:22");
    assertThat(states()).containsEntry("b", InstanceState.RUNNING);
    assertThatCode(() -> group.heartbeat("b")).doesNotThrowAnyException();
  }

  @Test
  void aDeadFreeHostIsNeverHandedOut() {
    group.init(settings(), THREE_HOSTS);
    probe.kill("192.0.2.1:22");
    assertThat(group.increase(3)).isEqualTo(2);
    assertThat(group.inUse()).containsExactlyInAnyOrder("b", "c");
    assertThat(group.increase(1)).isZero();
    probe.revive("192.0.2.1:22");
    assertThat(group.increase(1)).isEqualTo(1);
    assertThat(group.inUse()).contains("a");
  }

  @Test
  void decreaseReturnsHostsToThePoolIdempotently() {
    group.init(settings(), THREE_HOSTS);
    group.increase(3);
    assertThat(group.decrease(List.of("a", "b"))).containsExactly("a", "b");
    assertThat(group.decrease(List.of("a", "no-such-host"))).containsExactly("a", "no-such-host");
    assertThat(group.inUse()).containsExactly("c");
    assertThat(states()).containsOnlyKeys("c");
    assertThatThrownBy(() -> group.connectInfo("a")).isInstanceOf(ProviderException.NotFound.class);
    assertThatThrownBy(() -> group.heartbeat("a")).isInstanceOf(ProviderException.NotFound.class);
    assertThat(group.increase(2)).isEqualTo(2);
  }

  @Test
  void connectInfoStartsFromTheConnectorAndTakesWhatTheHostSets(@TempDir Path dir)
      throws IOException {
    Path key = Files.writeString(dir.resolve("id"), "KEY ONE");
    group.init(
        settings(),
        """
        {"instances": {
           "keyed": {"external_addr": "198.51.100.1:2222", "internal_addr": "10.0.0.1",
                     "username": "root", "key_path": "%s", "os": "linux", "arch": "arm64"},
           "plain": {"internal_addr": "10.0.0.2:22", "password": "host-password",
                     "protocol": "winrm"}}}
        """
            .formatted(key));
    group.increase(2);

    ConnectInfo keyed = group.connectInfo("keyed");
    assertThat(keyed.externalAddr()).isEqualTo("198.51.100.1:2222");
    assertThat(keyed.internalAddr()).isEqualTo("10.0.0.1");
    assertThat(keyed.connector().username()).isEqualTo("root");
    assertThat(keyed.connector().privateKey()).isEqualTo("KEY ONE");
    assertThat(keyed.connector().password()).as("a key replaces the connector's password").isNull();
    assertThat(keyed.connector().arch()).isEqualTo("arm64");
    assertThat(keyed.connector().protocol()).isEqualTo(Protocol.SSH);
    assertThat(keyed.connector().useStaticCredentials()).isTrue();
    assertThat(keyed.expires()).isNull();

    Files.writeString(key, "KEY TWO");
    assertThat(group.connectInfo("keyed").connector().privateKey())
        .as("the key file is read at each call")
        .isEqualTo("KEY TWO");

    ConnectorConfig plain = group.connectInfo("plain").connector();
    assertThat(plain.username()).as("the connector's user").isEqualTo("ci-user");
    assertThat(plain.password()).isEqualTo("host-password");
    assertThat(plain.privateKey()).isNull();
    assertThat(plain.protocol()).isEqualTo(Protocol.WINRM);
    assertThat(plain.os()).isEqualTo("linux");

    group.heartbeat("plain");
    assertThat(probe.lastExpectedSsh()).as("a WinRM host is probed by connect only").isFalse();

    Files.delete(key);
    assertThatThrownBy(() -> group.connectInfo("keyed"))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining(key.toString())
        .hasMessageNotContaining("KEY TWO");
  }

  @Test
  void hostsWithoutCredentialsKeepTheConnectorsOwn() {
    group.init(settings(), THREE_HOSTS);
    group.increase(1);
    ConnectorConfig c = group.connectInfo("a").connector();
    assertThat(c.username()).isEqualTo("ci-user");
    assertThat(c.password()).isEqualTo("connector-password");
    assertThat(c.protocolPort()).isEqualTo(22);
  }

  @Test
  void misuseIsRejectedNamingTheValue() {
    assertThatThrownBy(group::update)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("before init");
    group.init(settings(), THREE_HOSTS);
    assertThatThrownBy(() -> group.init(settings(), THREE_HOSTS))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> group.increase(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 0");
  }

  @Test
  void aGroupOfManyDeadHostsProbesThemAll() {
    StringBuilder json = new StringBuilder("{\"instances\":{");
    for (int i = 0; i < 50; i++) {
      json.append(i == 0 ? "" : ",")
          .append("\"h")
          .append(i)
          .append("\":{\"external_addr\":\"192.0.2.9:")
          .append(1000 + i)
          .append("\"}");
      probe.kill("192.0.2.9:" + (1000 + i));
    }
    group.init(settings(), json.append("}}").toString());
    assertThat(group.increase(50)).isZero();
    assertThat(probe.calls()).isEqualTo(50);
  }

  private Map<String, InstanceState> states() {
    return group.update().stream()
        .collect(Collectors.toMap(InstanceStatus::id, InstanceStatus::state));
  }

  private static Settings settings() {
    return new Settings(
        new ConnectorConfig(
            "linux",
            "amd64",
            Protocol.SSH,
            22,
            "ci-user",
            "connector-password",
            null,
            true,
            Duration.ZERO,
            Duration.ofSeconds(10)));
  }
}
