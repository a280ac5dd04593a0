package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged daemon as an operator runs it: {@code java -jar fleetscaler.jar run}, with the
 * built-in simulated plugin as a real subprocess, scraped over HTTP, stopped with SIGTERM.
 */
class DaemonProcessIT {
  private static final Duration START_BOUND = Duration.ofSeconds(90);

  private final HttpClient http = HttpClient.newHttpClient();
  private @Nullable Process daemon;

  @AfterEach
  void cleanUp() {
    http.close();
    if (daemon != null && daemon.isAlive()) {
      daemon.descendants().forEach(ProcessHandle::destroyForcibly);
      daemon.destroyForcibly();
    }
  }

  @Test
  void scalesToItsIdleTargetServesMetricsAndLeavesNoPluginBehindOnSigterm() throws Exception {
    int port = freePort();
    Path log = Files.createTempFile("fleetscaler-daemon", ".log");
    List<String> command = new ArrayList<>(List.of(javaExecutable()));
    command.addAll(Main.childJvmFlags());
    command.addAll(
        List.of(
            "-jar",
            daemonJar(),
            "run",
            "--http-listen",
            "127.0.0.1:" + port,
            // Port 0: a daemon already on the default 9403 must not fail this test.
            "--grpc-listen",
            "127.0.0.1:0",
            "--plugin-config",
            "{\"create_latency\":\"1s\",\"delete_latency\":\"1s\"}",
            "--capacity-per-instance",
            "2",
            "--idle-count",
            "3",
            "--log-format",
            "json"));
    daemon =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();

    HttpResponse<String> ready = awaitReady(daemon, port, log);
    assertThat(ready.body()).isEqualTo("plugin simulated serving\n");

    // Three idle slots at two per instance: the scaler asks the cloud for two instances, and
    // both become ready once the simulated cloud has booted them.
    String metrics =
        awaitMetric(
            port, "fleeting_provisioner_instances{group=\"default\",state=\"ready\"} 2.0", log);
    assertThat(metrics)
        .contains("fleeting_taskscaler_desired_instances{group=\"default\"} 2.0")
        .contains("fleeting_taskscaler_tasks{group=\"default\",state=\"idle\"} 4.0")
        .contains("fleeting_provisioner_max_instances{group=\"default\"} 10.0")
        .contains("fleetscaler_plugin_restarts{group=\"default\",plugin=\"simulated\"} 0.0")
        .contains("fleetscaler_policy_idle_target{group=\"default\"} 3.0")
        .contains("jvm_memory_used_bytes");

    List<ProcessHandle> plugins =
        daemon
            .descendants()
            .filter(p -> p.info().commandLine().orElse("").contains("SimulatedPluginMain"))
            .toList();
    assertThat(plugins).as("the simulated plugin runs as a child process").hasSize(1);

    daemon.destroy(); // SIGTERM
    assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).as("daemon exits after SIGTERM").isTrue();
    for (ProcessHandle plugin : plugins) {
      plugin.onExit().get(10, TimeUnit.SECONDS);
      assertThat(plugin.isAlive()).as("plugin process " + plugin.pid()).isFalse();
    }
    String output = Files.readString(log);
    assertThat(output).contains("fleetscaler: stopped");
    // --log-format json: every log record is one JSON object on one line, decisions included.
    assertThat(output)
        .contains(
            "\"logger\":\"io.fleetscaler.daemon.scaling\",\"msg\":\"group default: scale up: 3"
                + " slots wanted need 2 instances; requested 2, created 2\"}");
    assertThat(output.lines().filter(l -> l.contains("\"level\":")))
        .isNotEmpty()
        .allMatch(l -> l.startsWith("{\"time\":") && l.endsWith("}"));
  }

  private HttpResponse<String> awaitReady(Process daemon, int port, Path log) throws Exception {
    Instant deadline = Instant.now().plus(START_BOUND);
    while (Instant.now().isBefore(deadline)) {
      assertThat(daemon.isAlive()).as("daemon exited early:%n%s", Files.readString(log)).isTrue();
      try {
        HttpResponse<String> r = get(port, "/readyz");
        if (r.statusCode() == 200) {
          return r;
        }
      } catch (IOException notListeningYet) {
        // keep polling until the bound
      }
      try {
        daemon.onExit().get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillRunning) {
        // the normal case: poll again
      }
    }
    throw new AssertionError(
        "daemon not ready within " + START_BOUND + ":\n" + Files.readString(log));
  }

  private String awaitMetric(int port, String line, Path log) throws Exception {
    Instant deadline = Instant.now().plus(START_BOUND);
    String metrics = "";
    while (Instant.now().isBefore(deadline)) {
      metrics = get(port, "/metrics").body();
      if (metrics.contains(line)) {
        return metrics;
      }
      try {
        daemon().onExit().get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillRunning) {
        // poll again
      }
    }
    throw new AssertionError(
        "no '"
            + line
            + "' within "
            + START_BOUND
            + " in:\n"
            + metrics
            + "\nlog:\n"
            + Files.readString(log));
  }

  private Process daemon() {
    Process p = daemon;
    assertThat(p).isNotNull();
    return java.util.Objects.requireNonNull(p);
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String javaExecutable() {
    return ProcessHandle.current().info().command().orElseThrow();
  }

  private static String daemonJar() {
    String jar = System.getProperty("fleetscaler.daemon.jar");
    assertThat(jar).as("system property fleetscaler.daemon.jar (set by failsafe)").isNotNull();
    return jar;
  }
}
