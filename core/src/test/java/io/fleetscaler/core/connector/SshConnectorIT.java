package io.fleetscaler.core.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.simulated.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The SSH connector against a real OpenSSH sshd on 127.0.0.1. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SshConnectorIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private Path dir;
  private SshdProcess sshd;
  private String key;
  private String otherKey;
  private final ManualClock clock = new ManualClock();
  private final AtomicInteger fetches = new AtomicInteger();
  private final AtomicReference<ConnectInfo> plugin = new AtomicReference<>();

  @BeforeAll
  void startSshd(@TempDir Path tmp) throws IOException {
    dir = tmp;
    SshdProcess.generateKey(dir.resolve("id"));
    SshdProcess.generateKey(dir.resolve("other"));
    key = Files.readString(dir.resolve("id"), StandardCharsets.UTF_8);
    otherKey = Files.readString(dir.resolve("other"), StandardCharsets.UTF_8);
    sshd = SshdProcess.start(dir.resolve("sshd"), dir.resolve("id.pub"));
  }

  @AfterAll
  void stopSshd() {
    sshd.close();
  }

  @BeforeEach
  void reset() {
    sshd.revive();
    sshd.authorize(dir.resolve("id.pub"));
    fetches.set(0);
    plugin.set(info(key, sshd.hostPort(), null));
  }

  private static ConnectInfo info(String privateKey, String address, @Nullable Instant expires) {
    ConnectorConfig c =
        new ConnectorConfig(
            "linux",
            "amd64",
            Protocol.SSH,
            0,
            SshdProcess.username(),
            null,
            privateKey,
            false,
            Duration.ofSeconds(5),
            Duration.ofSeconds(5));
    return new ConnectInfo("vm-1", c, address, "", expires);
  }

  private Connector connector(ConnectorSettings settings) {
    return Connector.ssh(
        settings,
        id -> {
          fetches.incrementAndGet();
          return plugin.get();
        },
        clock);
  }

  private Connector connector() {
    return connector(ConnectorSettings.defaults());
  }

  @Test
  void runsTheCommandThroughTheLoginShellAndReportsStatusAndOutput() {
    Connector c = connector();
    assertThat(c.run("vm-1", "exit 0", TIMEOUT).succeeded()).isTrue();
    CommandResult r = c.run("vm-1", "echo \"$USER says hi\"; echo oops >&2; exit 3", TIMEOUT);
    assertThat(r.exitStatus()).isEqualTo(3);
    assertThat(r.output()).isEqualTo(SshdProcess.username() + " says hi\noops\n");
    assertThat(fetches).hasValue(1);
  }

  @Test
  void aCommandThatOutlivesTheTimeoutFails() {
    assertThatThrownBy(() -> connector().run("vm-1", "sleep 30", Duration.ofSeconds(1)))
        .isInstanceOf(ConnectorException.class)
        .hasMessageContaining("vm-1 at " + sshd.hostPort())
        .hasMessageContaining("did not end within");
  }

  @Test
  void aRefusedLoginNamesTheInstanceAndUserButNoSecret() {
    plugin.set(info(otherKey, sshd.hostPort(), null));
    assertThatThrownBy(() -> connector().run("vm-1", "exit 0", TIMEOUT))
        .isInstanceOf(ConnectorException.class)
        .hasMessageContaining("vm-1 at " + sshd.hostPort())
        .hasMessageContaining("login as " + SshdProcess.username() + " was refused")
        .message()
        .doesNotContain("PRIVATE KEY");
    assertThat(fetches).hasValue(1); // fresh credentials are not asked for again
  }

  @Test
  void aHostThatStoppedAnsweringFails() {
    Connector c = connector();
    assertThat(c.run("vm-1", "exit 0", TIMEOUT).succeeded()).isTrue();
    sshd.kill();
    assertThatThrownBy(() -> c.run("vm-1", "exit 0", TIMEOUT))
        .isInstanceOf(ConnectorException.class)
        .hasMessageContaining("vm-1 at " + sshd.hostPort());
  }

  @Test
  void expiredConnectInfoIsFetchedAgain() {
    plugin.set(info(key, sshd.hostPort(), clock.instant().plus(Duration.ofMinutes(1))));
    Connector c = connector();
    c.run("vm-1", "exit 0", TIMEOUT);
    c.run("vm-1", "exit 0", TIMEOUT);
    assertThat(fetches).hasValue(1);
    clock.advance(Duration.ofMinutes(1));
    plugin.set(info(key, sshd.hostPort(), clock.instant().plus(Duration.ofMinutes(1))));
    assertThat(c.run("vm-1", "exit 0", TIMEOUT).succeeded()).isTrue();
    assertThat(fetches).hasValue(2);
  }

  @Test
  void credentialsRotatedBeforeTheirExpiryAreFetchedAgainOnce() {
    Connector c = connector();
    c.run("vm-1", "exit 0", TIMEOUT);
    sshd.authorize(dir.resolve("other.pub"));
    plugin.set(info(otherKey, sshd.hostPort(), null));
    assertThat(c.run("vm-1", "exit 0", TIMEOUT).succeeded()).isTrue();
    assertThat(fetches).hasValue(2);
  }

  @Test
  void theOperatorsKeyServesWhenThePluginGivesNone() {
    ConnectorConfig none =
        new ConnectorConfig(
            "linux", "amd64", Protocol.SSH, 0, "", null, null, false, Duration.ZERO, Duration.ZERO);
    plugin.set(new ConnectInfo("vm-1", none, sshd.hostPort(), "", null));
    ConnectorConfig op =
        new ConnectorConfig(
            "",
            "",
            Protocol.SSH,
            0,
            SshdProcess.username(),
            null,
            key,
            true,
            Duration.ZERO,
            Duration.ZERO);
    assertThat(
            connector(new ConnectorSettings(op, false)).run("vm-1", "exit 0", TIMEOUT).succeeded())
        .isTrue();
  }

  @Test
  void useExternalAddrDialsTheExternalAddress() {
    ConnectInfo i = info(key, "127.0.0.1:1", null);
    plugin.set(new ConnectInfo("vm-1", i.connector(), "127.0.0.1:1", sshd.hostPort(), null));
    ConnectorSettings external = new ConnectorSettings(ConnectorConfig.defaults(), true);
    assertThat(connector(external).run("vm-1", "exit 0", TIMEOUT).succeeded()).isTrue();
    assertThatThrownBy(() -> connector().run("vm-1", "exit 0", TIMEOUT))
        .hasMessageContaining("127.0.0.1:1");
  }

  @Test
  void aDifferentHostKeyAtTheSameInstanceIsRefusedUntilTheInstanceIsForgotten() {
    Connector c = connector();
    c.run("vm-1", "exit 0", TIMEOUT);
    sshd.kill();
    sshd.replaceHostKey();
    sshd.revive();
    assertThatThrownBy(() -> c.run("vm-1", "exit 0", TIMEOUT))
        .isInstanceOf(ConnectorException.class)
        .hasMessageContaining("vm-1 at " + sshd.hostPort());
    c.forget("vm-1");
    assertThat(c.run("vm-1", "exit 0", TIMEOUT).succeeded()).isTrue();
  }

  @Test
  void winrmIsRefusedClearly() {
    ConnectInfo i = info(key, sshd.hostPort(), null);
    ConnectorConfig w =
        new ConnectorConfig(
            "windows",
            "amd64",
            Protocol.WINRM,
            0,
            "u",
            "p",
            null,
            false,
            Duration.ZERO,
            Duration.ZERO);
    plugin.set(new ConnectInfo("vm-1", w, i.internalAddr(), "", null));
    assertThatThrownBy(() -> connector().run("vm-1", "exit 0", TIMEOUT))
        .isInstanceOf(ConnectorException.class)
        .hasMessageContaining("winrm, which the connector does not support yet");
  }
}
