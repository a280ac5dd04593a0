package io.fleetscaler.plugin.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.Capability;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.sdk.fixture.MemoryInstanceGroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InProcessPluginClientTest {
  static final Settings SETTINGS =
      new Settings(
          new ConnectorConfig(
              "linux",
              "amd64",
              Protocol.SSH,
              2222,
              "runner",
              "hunter2",
              null,
              true,
              Duration.ofSeconds(10),
              Duration.ZERO));

  @Test
  void drivesEveryMethodThroughTheWire() {
    try (PluginClient client = PluginClient.inProcess(new MemoryInstanceGroup(), "memory")) {
      assertThat(client.process()).isEmpty();
      var info = client.init(SETTINGS, "{}");
      assertThat(info.has(Capability.SUSPEND_RESUME)).isTrue();
      assertThat(client.increase(2)).isEqualTo(2);
      assertThat(client.update())
          .containsExactly(
              new InstanceStatus("i-1", InstanceState.RUNNING),
              new InstanceStatus("i-2", InstanceState.RUNNING));
      var connect = client.connectInfo("i-2");
      assertThat(connect.connector()).isEqualTo(SETTINGS.connector());
      assertThat(connect.internalAddr()).isEqualTo("10.0.0.2");
      assertThat(connect.expires()).isNotNull();
      client.heartbeat("i-1");
      assertThat(client.suspend(List.of("i-1"))).containsExactly("i-1");
      assertThat(client.update()).contains(new InstanceStatus("i-1", InstanceState.SUSPENDED));
      assertThat(client.resume(List.of("i-1"))).containsExactly("i-1");
      assertThat(client.decrease(List.of("i-1"))).containsExactly("i-1");
      assertThat(client.update()).containsExactly(new InstanceStatus("i-2", InstanceState.RUNNING));
      client.shutdown();
    }
  }

  @Test
  void everyErrorKindCrossesTheWire() {
    try (PluginClient client = PluginClient.inProcess(new MemoryInstanceGroup())) {
      client.init(SETTINGS, "{}");
      assertErrorKinds(client);
    }
  }

  /** Asserts that every failure kind of an initialised test plugin reaches {@code client}. */
  static void assertErrorKinds(PluginClient client) {
    Map<String, Class<? extends ProviderException>> kinds =
        Map.of(
            "NotFound", ProviderException.NotFound.class,
            "Unhealthy", ProviderException.Unhealthy.class,
            "Capacity", ProviderException.Capacity.class,
            "Unavailable", ProviderException.Unavailable.class,
            "InvalidConfig", ProviderException.InvalidConfig.class,
            "Unsupported", ProviderException.Unsupported.class,
            "Bug", ProviderException.Unavailable.class);
    kinds.forEach(
        (kind, type) ->
            assertThatThrownBy(() -> client.heartbeat("fail:" + kind))
                .isExactlyInstanceOf(type)
                .hasMessageStartingWith("plugin " + client.name() + " Heartbeat: "));
    assertThatThrownBy(() -> client.init(SETTINGS, "{\"invalid\":true}"))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("plugin_config is invalid");
    assertThatThrownBy(() -> client.connectInfo("i-404"))
        .isInstanceOf(ProviderException.NotFound.class);
  }

  @Test
  void aClosedClientFailsFastAsUnavailable() {
    PluginClient client = PluginClient.inProcess(new MemoryInstanceGroup());
    client.close();
    client.close();
    assertThatThrownBy(client::update)
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("closed");
  }
}
