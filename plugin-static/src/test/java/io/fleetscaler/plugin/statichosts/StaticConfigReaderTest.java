package io.fleetscaler.plugin.statichosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.api.ProviderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticConfigReaderTest {

  @Test
  void readsEveryKeyAndSortsHostsByName(@TempDir Path dir) throws IOException {
    Path key = Files.writeString(dir.resolve("id"), "not really a key");
    StaticConfig config =
        StaticConfigReader.read(
            """
            {"probe_timeout": "1s500ms",
             "instances": {
               "b": {"external_addr": "203.0.113.7:2222", "internal_addr": "10.0.0.7",
                     "username": "ci", "key_path": "%s", "os": "linux", "arch": "arm64",
                     "protocol": "ssh"},
               "a": {"internal_addr": "10.0.0.5:2200", "password": "s3cret",
                     "protocol": "winrm"}}}
            """
                .formatted(key));
    assertThat(config.probeTimeout()).as("a Go duration").isEqualTo(Duration.ofMillis(1500));
    assertThat(config.hosts()).extracting(StaticHost::name).containsExactly("a", "b");
    StaticHost a = config.hosts().get(0);
    assertThat(a.probeHost()).isEqualTo("10.0.0.5");
    assertThat(a.probePort()).isEqualTo(2200);
    assertThat(a.protocol()).isEqualTo(Protocol.WINRM);
    assertThat(a.externalAddr()).isEmpty();
    StaticHost b = config.hosts().get(1);
    assertThat(b.probeHost())
        .as("the external address is probed when set")
        .isEqualTo("203.0.113.7");
    assertThat(b.probePort()).isEqualTo(2222);
    assertThat(b.keyPath()).isEqualTo(key);
    assertThat(b.username()).isEqualTo("ci");
    assertThat(b.arch()).isEqualTo("arm64");
  }

  @Test
  void anInternalAddressWithoutPortUsesTheProtocolsDefault() {
    StaticConfig config =
        StaticConfigReader.read(
            "{\"instances\":{\"w\":{\"internal_addr\":\"10.1.1.1\",\"protocol\":\"winrm+https\"},"
                + "\"s\":{\"internal_addr\":\"[fd00::1]\"}}}");
    assertThat(config.hosts().get(0).probePort()).isEqualTo(22);
    assertThat(config.hosts().get(0).probeHost()).isEqualTo("fd00::1");
    assertThat(config.hosts().get(1).probePort()).isEqualTo(5986);
    assertThat(config.probeTimeout()).isEqualTo(StaticConfig.DEFAULT_PROBE_TIMEOUT);
  }

  @Test
  void reportsEveryProblemAtOnceNamingHostAndKeyWithoutThePassword() {
    assertThatThrownBy(
            () ->
                StaticConfigReader.read(
                    """
                    {"probe_timeout": "10m", "colour": 1,
                     "instances": {
                       "alpha": {"external_addr": "h", "password": "hunter2-secret",
                                 "key_path": "/no/such/key", "shell": "bash"},
                       "beta": {"internal_addr": "h:99999", "os": 7},
                       "gamma": {"protocol": "telnet"},
                       "delta": "h:22"}}
                    """))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("colour: unknown key")
        .hasMessageContaining("probe_timeout: must be above 0 and at most 5m")
        .hasMessageContaining("instances.alpha.external_addr: expected host:port")
        .hasMessageContaining("instances.alpha: set password or key_path, not both")
        .hasMessageContaining("instances.alpha.key_path: not a readable file: /no/such/key")
        .hasMessageContaining("instances.alpha.shell: unknown key")
        .hasMessageContaining("instances.beta.internal_addr: port out of range")
        .hasMessageContaining("instances.beta.os: expected a non-empty string")
        .hasMessageContaining("instances.gamma.protocol: unknown protocol 'telnet'")
        .hasMessageContaining("instances.gamma.external_addr: required")
        .hasMessageContaining("instances.delta: expected an object")
        .hasMessageNotContaining("hunter2-secret");
  }

  @Test
  void aWronglyTypedPasswordIsNotEchoed() {
    assertThatThrownBy(
            () ->
                StaticConfigReader.read(
                    "{\"instances\":{\"a\":{\"external_addr\":\"h:22\",\"password\":987654321}}}"))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("instances.a.password: expected a non-empty string")
        .hasMessageNotContaining("987654321");
  }

  @Test
  void rejectsWhatIsNotAnObjectWithHosts() {
    for (String bad :
        new String[] {"[1]", "{\"instances\":{}}", "{}", "{\"instances\":", "\"x\""}) {
      assertThatThrownBy(() -> StaticConfigReader.read(bad))
          .as(bad)
          .isInstanceOf(ProviderException.InvalidConfig.class);
    }
  }
}
