package io.fleetscaler.core.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.Protocol;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How the operator's connector_config and the plugin's connect info merge. */
class EndpointTest {

  private static ConnectorConfig config(
      String user, String password, String key, boolean isStatic, int port, Duration timeout) {
    return new ConnectorConfig(
        "linux",
        "amd64",
        Protocol.SSH,
        port,
        user,
        password.isEmpty() ? null : password,
        key.isEmpty() ? null : key,
        isStatic,
        Duration.ZERO,
        timeout);
  }

  private static ConnectInfo info(ConnectorConfig c, String internal, String external) {
    return new ConnectInfo("vm-1", c, internal, external, null);
  }

  @Test
  void thePluginsCredentialsWinWhateverTheOperatorSet() {
    ConnectorConfig plugin = config("core", "", "PLUGIN KEY", true, 0, Duration.ZERO);
    for (boolean isStatic : new boolean[] {false, true}) {
      ConnectorConfig op = config("ci", "pw", "OPERATOR KEY", isStatic, 0, Duration.ZERO);
      Endpoint e = Endpoint.of(info(plugin, "10.0.0.5", ""), new ConnectorSettings(op, false));
      assertThat(e.username()).isEqualTo("core");
      assertThat(e.privateKey()).isEqualTo("PLUGIN KEY");
      assertThat(e.password()).isNull();
    }
  }

  @Test
  void operatorFillsWhatThePluginLeftEmpty() {
    ConnectorConfig plugin = config("", "", "", false, 0, Duration.ZERO);
    ConnectorConfig op = config("ci", "secret", "", false, 2222, Duration.ofSeconds(3));
    Endpoint e = Endpoint.of(info(plugin, "10.0.0.5", ""), new ConnectorSettings(op, false));
    assertThat(e.username()).isEqualTo("ci");
    assertThat(e.password()).isEqualTo("secret");
    assertThat(e.port()).isEqualTo(2222);
    assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(e.toString()).doesNotContain("secret").contains("<redacted>");
  }

  @Test
  void portComesFromTheAddressThenThePluginThenTheOperatorThenTheProtocol() {
    ConnectorConfig op = config("ci", "p", "", false, 2222, Duration.ZERO);
    ConnectorConfig plugin = config("", "", "", false, 0, Duration.ZERO);
    ConnectorSettings settings = new ConnectorSettings(op, false);
    assertThat(Endpoint.of(info(plugin, "10.0.0.5:2200", ""), settings).port()).isEqualTo(2200);
    assertThat(Endpoint.of(info(plugin, "10.0.0.5", ""), settings).port()).isEqualTo(2222);
    ConnectorConfig pluginPort = config("", "", "", false, 2300, Duration.ZERO);
    assertThat(Endpoint.of(info(pluginPort, "10.0.0.5", ""), settings).port()).isEqualTo(2300);
    ConnectorSettings noPort =
        new ConnectorSettings(config("ci", "p", "", false, 0, Duration.ZERO), false);
    assertThat(Endpoint.of(info(plugin, "10.0.0.5", ""), noPort).port()).isEqualTo(22);
    Endpoint v6 = Endpoint.of(info(plugin, "[fd00::5]:2201", ""), settings);
    assertThat(v6.host()).isEqualTo("fd00::5");
    assertThat(v6.port()).isEqualTo(2201);
    assertThat(v6.address()).isEqualTo("[fd00::5]:2201");
    assertThat(Endpoint.of(info(plugin, "fd00::5", ""), settings).host()).isEqualTo("fd00::5");
  }

  @Test
  void useExternalAddrPicksTheExternalAddress() {
    ConnectorConfig plugin = config("u", "p", "", false, 0, Duration.ZERO);
    ConnectorConfig op = ConnectorConfig.defaults();
    ConnectInfo both = info(plugin, "10.0.0.5", "203.0.113.5");
    assertThat(Endpoint.of(both, new ConnectorSettings(op, false)).host()).isEqualTo("10.0.0.5");
    assertThat(Endpoint.of(both, new ConnectorSettings(op, true)).host()).isEqualTo("203.0.113.5");
    assertThat(Endpoint.of(both, new ConnectorSettings(op, true)).timeout())
        .isEqualTo(Endpoint.DEFAULT_TIMEOUT);
  }

  @Test
  void unusableAddressesAreRejectedNamingTheInstance() {
    ConnectorConfig plugin = config("u", "p", "", false, 0, Duration.ZERO);
    ConnectorSettings settings = ConnectorSettings.defaults();
    for (String bad : new String[] {"10.0.0.5:0", "10.0.0.5:ssh", "[fd00::5", ":22"}) {
      assertThatThrownBy(() -> Endpoint.of(info(plugin, bad, ""), settings))
          .isInstanceOf(ConnectorException.class)
          .hasMessageContaining("vm-1")
          .hasMessageContaining(bad);
    }
    assertThatThrownBy(() -> Endpoint.of(info(plugin, "", ""), settings))
        .hasMessageContaining("vm-1 has no address");
  }
}
