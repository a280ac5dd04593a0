package io.fleetscaler.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.fleetscaler.plugin.sdk.PluginLaunchSpec;
import io.fleetscaler.plugin.sdk.PluginProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our host (the SDK's {@link PluginProcess}, as the daemon uses it) runs a stock hashicorp
 * go-plugin plugin written against our {@code .proto} ({@code src/test/go/plugin}): AutoMTLS with
 * the Go side's P-521 certificate, health, every InstanceGroup method, Shutdown, the controller's
 * stop.
 */
class OurHostRunsGoPluginIT {
  private static final Settings SETTINGS =
      new Settings(
          new ConnectorConfig(
              "linux",
              "amd64",
              Protocol.SSH,
              22,
              "runner",
              "hunter2",
              null,
              true,
              Duration.ofSeconds(10),
              Duration.ofSeconds(30)));

  @TempDir Path dir;

  @Test
  void runsAGoPluginThroughEveryMethodAndStopsItCleanly() throws Exception {
    Path marker = dir.resolve("stopped");
    PluginLaunchSpec spec =
        PluginLaunchSpec.of(
                "goplugin", List.of(GoToolchain.binaries().resolve("goplugin").toString()))
            .withEnvironment(Map.of("GOPLUGIN_EXIT_MARKER", marker.toString()))
            .withStartTimeout(Duration.ofMinutes(1));
    ProcessHandle process;
    // Launching is handshake, mutual TLS and the health check; it throws if any fails.
    try (PluginClient client = PluginProcess.launch(spec)) {
      process = client.process().orElseThrow();

      assertThatThrownBy(client::update)
          .isInstanceOf(ProviderException.Unhealthy.class)
          .hasMessageContaining("Update called before Init");
      assertThatThrownBy(() -> client.init(SETTINGS, "not json"))
          .isInstanceOf(ProviderException.InvalidConfig.class);
      assertThat(client.init(SETTINGS, "{}").id()).isEqualTo("go/memory");
      assertThat(client.update()).isEmpty();
      assertThat(client.increase(2)).isEqualTo(2);
      assertThat(client.update())
          .containsExactly(
              new InstanceStatus("go-1", InstanceState.RUNNING),
              new InstanceStatus("go-2", InstanceState.RUNNING));
      ConnectInfo info = client.connectInfo("go-1");
      assertThat(info.internalAddr()).isEqualTo("10.1.0.1");
      assertThat(info.connector()).isEqualTo(SETTINGS.connector());
      client.heartbeat("go-1");
      assertThatThrownBy(() -> client.heartbeat("go-404"))
          .isInstanceOf(ProviderException.NotFound.class);
      assertThatThrownBy(() -> client.connectInfo("go-404"))
          .isInstanceOf(ProviderException.NotFound.class);
      assertThat(client.decrease(List.of("go-1"))).containsExactly("go-1");
      assertThat(client.update())
          .containsExactly(new InstanceStatus("go-2", InstanceState.RUNNING));
      assertThatThrownBy(() -> client.suspend(List.of("go-2")))
          .isInstanceOf(ProviderException.Unsupported.class);
      assertThatThrownBy(() -> client.resume(List.of("go-2")))
          .isInstanceOf(ProviderException.Unsupported.class);
      client.shutdown();
    }
    process.onExit().get(1, TimeUnit.MINUTES);
    assertThat(process.isAlive()).isFalse();
    // Written after go-plugin's Serve returned: the controller's Shutdown stopped it, no kill.
    assertThat(marker).exists();
    assertThat(Files.readString(marker)).isEqualTo("stopped\n");
  }
}
