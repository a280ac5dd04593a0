package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.daemon.config.PluginRef;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.sdk.PluginClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every built-in provider can run inside the daemon, over the in-process plugin transport. */
class PluginLauncherTest {

  @ParameterizedTest
  @ValueSource(strings = {"simulated", "static", "aws", "azure"})
  void eachBuiltInRunsInProcessUnderItsName(String name) {
    try (PluginClient client = PluginLauncher.open(new PluginRef.BuiltIn(name), true)) {
      assertThat(client.name()).isEqualTo(name);
      assertThat(client.process()).isEmpty();
    }
  }

  @Test
  void theSimulatedCloudAnswersOverTheInProcessWire() {
    try (PluginClient client = PluginLauncher.open(new PluginRef.BuiltIn("simulated"), true)) {
      client.init(Settings.defaults(), RunCommand.DEFAULT_SIMULATED_CONFIG);
      assertThat(client.increase(2)).isEqualTo(2);
      assertThat(client.update()).hasSize(2);
    }
  }
}
