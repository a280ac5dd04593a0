package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (the Debian package, installed by {@code .ci/run}) scrapes the packaged
 * daemon's {@code /metrics} every second and answers a query for fleeting's slot gauge;
 * Prometheus's own linter, {@code promtool check metrics}, accepts the whole exposition.
 */
class PrometheusIT {
  private static final Duration BOUND = Duration.ofSeconds(90);

  @TempDir Path dir;

  @Test
  void prometheusScrapesTheDaemonAndPromtoolAcceptsItsMetrics() throws Exception {
    Path prometheus = executable("prometheus");
    Path promtool = executable("promtool");
    try (DaemonProcess daemon =
            DaemonProcess.run(
                List.of(
                    "--grpc-listen",
                    "127.0.0.1:0",
                    "--plugin-config",
                    "{\"create_latency\":\"1s\",\"delete_latency\":\"1s\"}",
                    "--capacity-per-instance",
                    "2",
                    "--idle-count",
                    "3"));
        HttpClient http = HttpClient.newHttpClient()) {
      daemon.awaitReady();

      String metrics = daemon.get("/metrics").body();
      Path exposition = dir.resolve("metrics.txt");
      Files.writeString(exposition, metrics);
      Process lint =
          new ProcessBuilder(promtool.toString(), "check", "metrics")
              .redirectInput(exposition.toFile())
              .redirectErrorStream(true)
              .start();
      assertThat(lint.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String lintOutput = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(lint.exitValue()).as("promtool check metrics:%n%s", lintOutput).isZero();

      int port = DaemonProcess.freePort();
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(
          config,
          """
          global:
            scrape_interval: 1s
            evaluation_interval: 1s
          scrape_configs:
            - job_name: fleetscaler
              static_configs:
                - targets: ['127.0.0.1:%d']
          """
              .formatted(daemon.httpPort));
      Path log = dir.resolve("prometheus.log");
      Process server =
          new ProcessBuilder(
                  prometheus.toString(),
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + port)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        // Three idle slots at two per instance: two instances, four idle slots, once booted.
        String value =
            awaitQuery(http, server, log, port, "fleeting_taskscaler_tasks{state=\"idle\"}", "4");
        assertThat(value).isEqualTo("4");
        assertThat(awaitQuery(http, server, log, port, "up{job=\"fleetscaler\"}", "1"))
            .isEqualTo("1");
      } finally {
        server.destroy();
        if (!server.waitFor(20, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
    }
  }

  /**
   * Polls Prometheus's query API until {@code query} has a sample equal to {@code wanted}, and
   * returns the sample value; fails with the last answer and Prometheus's log at the bound.
   */
  private static String awaitQuery(
      HttpClient http, Process server, Path log, int port, String query, String wanted)
      throws Exception {
    URI uri =
        URI.create(
            "http://127.0.0.1:"
                + port
                + "/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8));
    Pattern sample = Pattern.compile("\"value\":\\[[0-9.e+]+,\"([^\"]*)\"\\]");
    Instant deadline = Instant.now().plus(BOUND);
    String body = "";
    while (Instant.now().isBefore(deadline)) {
      assertThat(server.isAlive()).as("prometheus exited:%n%s", Files.readString(log)).isTrue();
      try {
        body =
            http.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = sample.matcher(body);
        if (m.find() && m.group(1).equals(wanted)) {
          return m.group(1);
        }
      } catch (java.io.IOException notListeningYet) {
        // poll again until the bound
      }
      try {
        server.onExit().get(500, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException stillRunning) {
        // the normal case
      }
    }
    throw new AssertionError(
        "no sample "
            + wanted
            + " for "
            + query
            + " within "
            + BOUND
            + "; last answer: "
            + body
            + "\nprometheus log:\n"
            + Files.readString(log));
  }

  /** An executable on PATH or in /usr/bin; CI installs the Debian package prometheus. */
  private static Path executable(String name) {
    String path = System.getenv("PATH");
    for (String d :
        Pattern.compile(Pattern.quote(File.pathSeparator))
            .splitAsStream(path == null ? "" : path)
            .toList()) {
      Path p = Path.of(d.isEmpty() ? "." : d, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    Path usr = Path.of("/usr/bin", name);
    if (Files.isExecutable(usr)) {
      return usr;
    }
    throw new AssertionError(
        name + " is not installed: apt-get install prometheus (.ci/run installs it when missing)");
  }
}
