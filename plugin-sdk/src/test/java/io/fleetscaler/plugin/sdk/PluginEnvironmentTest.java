package io.fleetscaler.plugin.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginEnvironmentTest {
  private static final Path TMP = Path.of("/tmp");

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put(PluginServer.MAGIC_COOKIE_KEY, PluginServer.MAGIC_COOKIE_VALUE);
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void readsPortsVersionsCertificateAndSocketDir() {
    var read =
        PluginEnvironment.read(
            env(
                "PLUGIN_MIN_PORT", "20000",
                "PLUGIN_MAX_PORT", "20010",
                "PLUGIN_PROTOCOL_VERSIONS", "3, 1",
                "PLUGIN_CLIENT_CERT", "PEM",
                "PLUGIN_UNIX_SOCKET_DIR", "/run/x"),
            TMP);
    assertThat(read.minPort()).isEqualTo(20000);
    assertThat(read.maxPort()).isEqualTo(20010);
    assertThat(read.protocolVersion()).isEqualTo(1);
    assertThat(read.clientCertPem()).isEqualTo("PEM");
    assertThat(read.socketDir()).isEqualTo(Path.of("/run/x"));
  }

  @Test
  void readsTheHostPidOurHostSends() {
    assertThat(PluginEnvironment.read(env(PluginEnvironment.HOST_PID_KEY, "4242"), TMP).hostPid())
        .hasValue(4242);
    assertThat(PluginEnvironment.read(env(), TMP).hostPid()).isEmpty();
    assertThatThrownBy(() -> PluginEnvironment.read(env(PluginEnvironment.HOST_PID_KEY, "me"), TMP))
        .hasMessageContaining("is not a process id: 'me'");
    assertThatThrownBy(
            () -> PluginEnvironment.read(env(PluginEnvironment.NETWORK_KEY, "pipe"), TMP))
        .hasMessageContaining("must be unix or tcp, was 'pipe'");
  }

  @Test
  void defaultsMatchGoPlugin() {
    var read = PluginEnvironment.read(env(), TMP);
    assertThat(read.minPort()).isEqualTo(10000);
    assertThat(read.maxPort()).isEqualTo(25000);
    assertThat(read.clientCertPem()).isNull();
    assertThat(read.socketDir()).isEqualTo(TMP);
  }

  @Test
  void refusesAMissingOrWrongCookie() {
    Map<String, String> none = env();
    none.remove(PluginServer.MAGIC_COOKIE_KEY);
    assertThatThrownBy(() -> PluginEnvironment.read(none, TMP))
        .hasMessageContaining("not meant to be run directly")
        .hasMessageContaining("missing");
    assertThatThrownBy(
            () -> PluginEnvironment.read(env(PluginServer.MAGIC_COOKIE_KEY, "nope"), TMP))
        .hasMessageContaining("wrong");
  }

  @Test
  void refusesBadPortsAndForeignVersions() {
    assertThatThrownBy(() -> PluginEnvironment.read(env("PLUGIN_MIN_PORT", "x"), TMP))
        .hasMessageContaining("PLUGIN_MIN_PORT is not a port number: 'x'");
    assertThatThrownBy(
            () ->
                PluginEnvironment.read(
                    env("PLUGIN_MIN_PORT", "30000", "PLUGIN_MAX_PORT", "20000"), TMP))
        .hasMessageContaining("above PLUGIN_MAX_PORT");
    assertThatThrownBy(() -> PluginEnvironment.read(env("PLUGIN_PROTOCOL_VERSIONS", "2,3"), TMP))
        .hasMessageContaining("[2,3]")
        .hasMessageContaining("speaks 1");
  }
}
