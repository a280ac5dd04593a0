package io.fleetscaler.plugin.sdk;

import static io.fleetscaler.plugin.sdk.TestPlugins.await;
import static io.fleetscaler.plugin.sdk.TestPlugins.running;
import static io.fleetscaler.plugin.sdk.TestPlugins.script;
import static io.fleetscaler.plugin.sdk.TestPlugins.testPluginCommand;
import static io.fleetscaler.plugin.sdk.TestPlugins.testPluginSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real plugin subprocesses: the test plugin in a fresh JVM, or shell scripts. */
class PluginProcessTest {
  private static final Duration BOUND = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void launchesHandshakesOverMutualTlsServesAndStopsCleanly() {
    try (var logs = new CapturedLogs("plugin.test-plugin")) {
      try (PluginClient client = PluginProcess.launch(testPluginSpec())) {
        assertThat(client.process()).isPresent();
        assertThat(client.init(InProcessPluginClientTest.SETTINGS, "{}").id())
            .isEqualTo("memory/2");
        assertThat(client.increase(1)).isEqualTo(1);
        assertThat(client.update())
            .containsExactly(new InstanceStatus("i-1", InstanceState.RUNNING));
        assertThat(client.connectInfo("i-1").connector().password()).isEqualTo("hunter2");
        InProcessPluginClientTest.assertErrorKinds(client);
        await(
            "the plugin's JSON log line is relayed",
            BOUND,
            () -> logs.messages().stream().anyMatch(m -> m.contains("serving on unix")));
        assertThat(logs.messages()).anyMatch(m -> m.contains("mutual TLS: true"));
      }
      // Shutdown ends the open stdio stream, so the plugin stops by itself, within the grace.
      await(
          "the plugin logs its clean stop",
          BOUND,
          () -> logs.messages().contains("plugin test-plugin stopped"));
      assertThat(logs.messages()).noneMatch(m -> m.contains("calls still running"));
      assertThat(logs.messages()).noneMatch(m -> m.contains("hunter2"));
    }
  }

  @Test
  void fallsBackToTcpInThePortRangeAndRelaysStdout() {
    var spec =
        testPluginSpec()
            .withEnvironment(
                Map.of(
                    "FLEETSCALER_PLUGIN_NETWORK", "tcp",
                    "PLUGIN_MIN_PORT", "23000",
                    "PLUGIN_MAX_PORT", "23999"));
    try (var logs = new CapturedLogs("plugin.test-plugin");
        PluginClient client = PluginProcess.launch(spec)) {
      client.init(InProcessPluginClientTest.SETTINGS, "{}");
      client.heartbeat("print:hello from stdout");
      await(
          "the plugin's stdout is relayed",
          BOUND,
          () -> logs.messages().contains("stdout: hello from stdout"));
      assertThat(logs.messages())
          .anyMatch(m -> m.matches(".*serving on tcp 127\\.0\\.0\\.1:23\\d{3} .*"));
    }
  }

  @Test
  void failedRestartsBackOffUntilThePluginStartsAgain() throws IOException {
    Path broken = dir.resolve("broken");
    String quoted = String.join(" ", testPluginCommand().stream().map(a -> "'" + a + "'").toList());
    List<String> command =
        script(
            dir,
            "flaky",
            "if [ -f '"
                + broken
                + "' ]; then echo 'cloud credentials expired' >&2; exit 7; fi\n"
                + "exec "
                + quoted);
    var spec =
        PluginLaunchSpec.of("flaky", command)
            .withRestartBackoff(Duration.ofMillis(100), Duration.ofMillis(400));
    try (PluginClient client = PluginProcess.launch(spec)) {
      client.init(InProcessPluginClientTest.SETTINGS, "{}");
      Files.createFile(broken);
      ProcessHandle first = client.process().orElseThrow();
      first.destroyForcibly();
      first.onExit().join();
      await(
          "a restart attempt has failed",
          BOUND,
          () -> failure(client).contains("restart attempt 2 failed"));
      assertThat(failure(client))
          .contains("exited with status 7 before printing its handshake")
          .contains("cloud credentials expired");
      Files.delete(broken);
      await("the plugin is back", BOUND, () -> client.restarts() == 1);
      assertThat(client.update()).isEmpty();
    }
  }

  private static String failure(PluginClient client) {
    try {
      client.update();
      return "";
    } catch (ProviderException.Unavailable e) {
      return String.valueOf(e.getMessage());
    }
  }

  @Test
  void aPluginRunWithoutItsCookieExitsWithOneAndSaysWhy() throws Exception {
    var builder = new ProcessBuilder(testPluginCommand());
    builder.environment().remove(PluginServer.MAGIC_COOKIE_KEY);
    Process process = builder.start();
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).isEqualTo(1);
    assertThat(stderr).contains("not meant to be run directly").contains("missing");
    assertThat(stdout).isEmpty();
  }

  @Test
  void aPluginLaunchedByAHostWithoutItsCookieSaysWhyInTheHandshakesPlace() throws Exception {
    var builder = new ProcessBuilder(testPluginCommand());
    builder.environment().remove(PluginServer.MAGIC_COOKIE_KEY);
    builder.environment().put("PLUGIN_PROTOCOL_VERSIONS", "1");
    Process process = builder.start();
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).isEqualTo(1);
    assertThat(stdout)
        .startsWith("This binary is a Fleetscaler plugin and is not meant to be run directly.")
        .endsWith("the magic cookie is missing.\n")
        .doesNotContain("|")
        .hasLineCount(1);
    assertThat(stderr).contains("the magic cookie is missing.");
  }

  @Test
  void aPluginOfferedOnlyOtherVersionsAnswersWithItsOwnAsGoPluginsDo() throws Exception {
    var builder = new ProcessBuilder(testPluginCommand());
    builder.environment().put(PluginServer.MAGIC_COOKIE_KEY, PluginServer.MAGIC_COOKIE_VALUE);
    builder.environment().put("PLUGIN_PROTOCOL_VERSIONS", "2,3");
    Process process = builder.start();
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).isEqualTo(1);
    assertThat(stdout).isEqualTo("1|1|unix|-|grpc\n");
    assertThat(stderr).contains("the host speaks plugin protocol versions [2,3]");
  }

  @Test
  void aPluginWhoseHostIsAlreadyGoneDoesNotStart() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    var builder = new ProcessBuilder(testPluginCommand());
    builder.environment().put(PluginServer.MAGIC_COOKIE_KEY, PluginServer.MAGIC_COOKIE_VALUE);
    builder.environment().put(PluginEnvironment.HOST_PID_KEY, Long.toString(gone.pid()));
    Process process = builder.start();
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).isEqualTo(1);
    assertThat(stderr).contains("the host process is already gone");
    assertThat(stdout).isEmpty();
  }

  @Test
  void aWrongCookieIsAClearLaunchError() {
    assertThatThrownBy(
            () ->
                PluginProcess.launch(
                    testPluginSpec().withCookie(PluginServer.MAGIC_COOKIE_KEY, "not-the-cookie")))
        .isInstanceOf(PluginLaunchException.class)
        .hasMessageStartingWith("plugin printed 'This binary is a Fleetscaler plugin")
        .hasMessageContaining("the magic cookie is wrong.' instead of its handshake line");
  }

  @Test
  void malformedHandshakeLinesAreClearErrors() throws IOException {
    Map<String, String> cases =
        Map.of(
            "2|1|unix|/tmp/x|grpc", "go-plugin core protocol '2'",
            "1|1|unix", "3 fields, at least 4 are needed",
            "1|1|unix|/tmp/x|netrpc", "protocol 'netrpc' is not grpc",
            "1|7|unix|/tmp/x|grpc", "plugin protocol version 7, but this host speaks 1",
            "1|1|unix|/tmp/x|grpc", "no server certificate");
    int n = 0;
    for (var entry : cases.entrySet()) {
      List<String> command = script(dir, "bad" + n++, "echo '" + entry.getKey() + "'\nsleep 600");
      assertThatThrownBy(() -> PluginProcess.launch(PluginLaunchSpec.of("bad", command)))
          .isInstanceOf(PluginLaunchException.class)
          .hasMessageStartingWith("bad plugin handshake '" + entry.getKey() + "'")
          .hasMessageContaining(entry.getValue());
    }
  }

  @Test
  void aSilentPluginHitsTheStartTimeout() throws IOException {
    List<String> command = script(dir, "silent", "echo 'still thinking' >&2\nsleep 600");
    var spec = PluginLaunchSpec.of("silent", command).withStartTimeout(Duration.ofMillis(300));
    assertThatThrownBy(() -> PluginProcess.launch(spec))
        .isInstanceOf(PluginLaunchException.class)
        .hasMessageContaining("printed no handshake within PT0.3S (start timeout)")
        .hasMessageContaining("still thinking");
  }

  @Test
  void aPluginDyingBeforeItsHandshakeReportsStatusAndStderr() throws IOException {
    List<String> command = script(dir, "dying", "echo 'boom: no credentials' >&2\nexit 3");
    assertThatThrownBy(() -> PluginProcess.launch(PluginLaunchSpec.of("dying", command)))
        .isInstanceOf(PluginLaunchException.class)
        .hasMessageContaining("exited with status 3 before printing its handshake")
        .hasMessageContaining("boom: no credentials");
  }

  @Test
  void mutualTlsRefusesAnyOtherCertificateOnEitherSide() throws Exception {
    var hostCert = SelfSignedCertificate.generate(Instant.now());
    var builder = new ProcessBuilder(ProcessTree.groupLeaderCommand(testPluginCommand()));
    builder.environment().put(PluginServer.MAGIC_COOKIE_KEY, PluginServer.MAGIC_COOKIE_VALUE);
    builder.environment().put("PLUGIN_CLIENT_CERT", hostCert.pem());
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process process = builder.start();
    try {
      var stdout =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      Handshake handshake = Handshake.parse(String.valueOf(stdout.readLine()), 1);
      var impostor = SelfSignedCertificate.generate(Instant.now());
      var refused =
          new PluginChannel(
              Transports.channel(
                  handshake.network(),
                  handshake.address(),
                  MutualTls.client(impostor, handshake.serverCertificate())),
              "impostor",
              Duration.ofSeconds(10));
      assertThatThrownBy(() -> refused.checkHealth(Duration.ofSeconds(20)))
          .isInstanceOf(PluginLaunchException.class)
          .hasMessageContaining("failed its health check");
      refused.close();
      // The host, for its part, trusts only the certificate of the handshake.
      var suspicious =
          new PluginChannel(
              Transports.channel(
                  handshake.network(),
                  handshake.address(),
                  MutualTls.client(hostCert, impostor.certificate())),
              "suspicious",
              Duration.ofSeconds(10));
      assertThatThrownBy(() -> suspicious.checkHealth(Duration.ofSeconds(20)))
          .isInstanceOf(PluginLaunchException.class)
          .hasMessageContaining("failed its health check");
      suspicious.close();
      var genuine =
          new PluginChannel(
              Transports.channel(
                  handshake.network(),
                  handshake.address(),
                  MutualTls.client(hostCert, handshake.serverCertificate())),
              "genuine",
              Duration.ofSeconds(10));
      genuine.checkHealth(Duration.ofSeconds(20));
      genuine.requestShutdown(Duration.ofSeconds(20));
      genuine.close();
      assertThat(process.waitFor()).as("exit status after Shutdown").isZero();
    } finally {
      ProcessTree.kill(process, List.of());
    }
  }

  @Test
  void aCrashedPluginIsRestartedAndInitialisedAgain() {
    try (PluginClient client = PluginProcess.launch(testPluginSpec())) {
      client.init(InProcessPluginClientTest.SETTINGS, "{}");
      client.increase(1);
      ProcessHandle first = client.process().orElseThrow();
      first.destroyForcibly();
      first.onExit().join();
      assertThatThrownBy(client::update).isInstanceOf(ProviderException.Unavailable.class);
      await(
          "the plugin is restarted",
          BOUND,
          () -> client.restarts() == 1 && client.process().isPresent());
      assertThat(client.process().orElseThrow().pid()).isNotEqualTo(first.pid());
      // update() fails on a plugin that was never initialised: success shows init was re-run.
      assertThat(client.update()).isEmpty();
      assertThat(client.increase(2)).isEqualTo(2);
    }
  }

  @Test
  void closingKillsTheWholeProcessTree() {
    List<ProcessHandle> tree = new ArrayList<>();
    var spec = testPluginSpec().withEnvironment(Map.of("TEST_PLUGIN_SPAWN_CHILD", "1"));
    try (PluginClient client = PluginProcess.launch(spec)) {
      ProcessHandle plugin = client.process().orElseThrow();
      await(
          "the plugin has spawned its child", BOUND, () -> plugin.children().findAny().isPresent());
      tree.add(plugin);
      plugin.descendants().forEach(tree::add);
      assertThat(tree).hasSizeGreaterThan(1);
    }
    for (ProcessHandle process : tree) {
      await("pid " + process.pid() + " is gone", BOUND, () -> !running(process));
    }
  }

  @Test
  void aPluginWhoseHostDiesExitsByItself() throws Exception {
    Path handshake = dir.resolve("handshake");
    List<String> command = new ArrayList<>(testPluginCommand());
    String quoted = String.join(" ", command.stream().map(a -> "'" + a + "'").toList());
    List<String> host =
        script(dir, "host", quoted + " > '" + handshake + "' 2>/dev/null &\necho $!\nsleep 600");
    // Its own process group, so that the host's `sleep` can be cleaned up after the test.
    var builder = new ProcessBuilder(ProcessTree.groupLeaderCommand(host));
    builder.environment().put(PluginServer.MAGIC_COOKIE_KEY, PluginServer.MAGIC_COOKIE_VALUE);
    Process fakeHost = builder.start();
    var stdout =
        new BufferedReader(
            new InputStreamReader(fakeHost.getInputStream(), StandardCharsets.UTF_8));
    ProcessHandle plugin =
        ProcessHandle.of(Long.parseLong(stdout.readLine().strip())).orElseThrow();
    try {
      await("the plugin is serving", BOUND, () -> size(handshake) > 0);
      fakeHost.destroyForcibly();
      await("the orphaned plugin exits", BOUND, () -> !running(plugin));
    } finally {
      ProcessTree.kill(fakeHost, List.of(plugin));
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }
}
