package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The operations kit in {@code deploy/} against the tools that own its formats: {@code promtool}
 * checks and unit-tests the alert rules, and a real Prometheus (the Debian package, installed by
 * {@code .ci/run}) loads the rules and scrapes the packaged daemon, so that every Grafana panel's
 * query and every metric an alert reads is proven to exist in what the daemon exposes. Panels and
 * rules over metrics that no daemon exposes yet are listed in {@link #PENDING} with the issue that
 * adds them; the test fails when such a metric appears, so the list cannot go stale.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsKitIT {
  private static final Duration BOUND = Duration.ofSeconds(90);

  /** Metrics that panels and rules use before the daemon exposes them, with who adds them. */
  static final Map<String, String> PENDING =
      Map.of("fleetscaler_ha_leader", "issue 19 (high availability)");

  private final Path deploy = deployDirectory();
  private final HttpClient http = HttpClient.newHttpClient();
  private Path work = Path.of(".");
  private @Nullable DaemonProcess daemon;
  private @Nullable Process prometheus;
  private Path prometheusLog = Path.of(".");
  private int prometheusPort;

  @BeforeAll
  void startDaemonAndPrometheus() throws Exception {
    work = Files.createTempDirectory("fleetscaler-ops-it");
    DaemonProcess daemon =
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
    this.daemon = daemon;
    daemon.awaitReady();
    prometheusPort = DaemonProcess.freePort();
    Path config = work.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - %s
        scrape_configs:
          - job_name: fleetscaler
            static_configs:
              - targets: ['127.0.0.1:%d']
        """
            .formatted(deploy.resolve("prometheus/fleetscaler.rules.yml"), daemon.httpPort));
    prometheusLog = work.resolve("prometheus.log");
    this.prometheus =
        new ProcessBuilder(
                Tools.executable("prometheus").toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + work.resolve("data"),
                "--web.listen-address=127.0.0.1:" + prometheusPort)
            .redirectErrorStream(true)
            .redirectOutput(prometheusLog.toFile())
            .start();
    // Two idle instances booted and counted by Prometheus: the histograms have observations and
    // every rate() window has two samples from here on.
    awaitResult("fleeting_taskscaler_tasks{state=\"idle\"} == 4");
    awaitResult("count_over_time(up{job=\"fleetscaler\"}[1m]) >= 5");
  }

  @AfterAll
  void stop() throws Exception {
    Process server = prometheus;
    if (server != null) {
      server.destroy();
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
    DaemonProcess d = daemon;
    if (d != null) {
      d.close();
    }
  }

  @Test
  void promtoolAcceptsTheRulesAndTheirUnitTestsPass() throws Exception {
    Path rules = deploy.resolve("prometheus");
    assertThat(Tools.run(rules, "promtool", "check", "rules", "fleetscaler.rules.yml"))
        .contains("SUCCESS");
    assertThat(Tools.run(rules, "promtool", "test", "rules", "fleetscaler.rules.test.yml"))
        .contains("SUCCESS");
  }

  @Test
  void everyAlertHasAUnitTest() throws Exception {
    Set<String> alerts =
        matches(deploy.resolve("prometheus/fleetscaler.rules.yml"), "alert: (\\w+)");
    Set<String> tested =
        matches(deploy.resolve("prometheus/fleetscaler.rules.test.yml"), "alertname: (\\w+)");
    assertThat(alerts).hasSizeGreaterThanOrEqualTo(10);
    assertThat(tested).isEqualTo(alerts);
  }

  @Test
  void prometheusLoadsEveryRuleAndEvaluatesItWithoutError() throws Exception {
    Instant deadline = Instant.now().plus(BOUND);
    List<String> unhealthy = List.of("not evaluated yet");
    int count = 0;
    while (!unhealthy.isEmpty() && Instant.now().isBefore(deadline)) {
      JsonObject answer = api("/api/v1/rules");
      unhealthy = new ArrayList<>();
      count = 0;
      for (JsonElement group : answer.getAsJsonObject("data").getAsJsonArray("groups")) {
        for (JsonElement rule : group.getAsJsonObject().getAsJsonArray("rules")) {
          JsonObject r = rule.getAsJsonObject();
          count++;
          if (!r.get("health").getAsString().equals("ok")) {
            unhealthy.add(r.get("name").getAsString() + ": " + r.get("health"));
          }
        }
      }
      pause();
    }
    assertThat(unhealthy).as("rules Prometheus could not evaluate").isEmpty();
    assertThat(count)
        .isEqualTo(
            matches(deploy.resolve("prometheus/fleetscaler.rules.yml"), "alert: (\\w+)").size());
  }

  @Test
  void everyMetricAnAlertReadsIsExposedOrPending() throws Exception {
    String rules = Files.readString(deploy.resolve("prometheus/fleetscaler.rules.yml"));
    Set<String> exposed = exposedNames();
    List<String> missing = new ArrayList<>();
    Matcher m = Pattern.compile("\\b((?:fleeting|fleetscaler)_[a-z_]+)\\b").matcher(rules);
    Set<String> read = new TreeSet<>();
    while (m.find()) {
      read.add(m.group(1));
    }
    for (String name : read) {
      if (!exposed.contains(name) && !PENDING.containsKey(name)) {
        missing.add(name);
      }
      if (exposed.contains(name) && PENDING.containsKey(name)) {
        missing.add(name + " is exposed now: remove it from PENDING");
      }
    }
    assertThat(read).contains("fleeting_provisioner_instances", "fleetscaler_ha_leader");
    assertThat(missing).as("metrics the rules read that the daemon does not expose").isEmpty();
  }

  @Test
  void everyDashboardQueryReturnsSeriesUnlessItsMetricIsPending() throws Exception {
    JsonObject dashboard =
        JsonParser.parseString(
                Files.readString(deploy.resolve("grafana/fleetscaler-dashboard.json")))
            .getAsJsonObject();
    List<String> failures = new ArrayList<>();
    List<String> pendingSeen = new ArrayList<>();
    int queries = 0;
    for (JsonElement p : dashboard.getAsJsonArray("panels")) {
      JsonObject panel = p.getAsJsonObject();
      JsonArray targets = panel.getAsJsonArray("targets");
      if (targets == null) {
        continue;
      }
      for (JsonElement t : targets) {
        String expr = t.getAsJsonObject().get("expr").getAsString();
        String query =
            expr.replace("$__rate_interval", "1m").replace("$job", ".+").replace("$group", ".+");
        queries++;
        String pending = pendingIn(expr);
        JsonObject answer =
            api("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        String title = panel.get("title").getAsString();
        if (!answer.get("status").getAsString().equals("success")) {
          failures.add(title + ": " + query + " -> " + answer);
          continue;
        }
        int series = answer.getAsJsonObject("data").getAsJsonArray("result").size();
        if (pending == null && series == 0) {
          failures.add(title + ": no series for " + query);
        } else if (pending != null && series > 0) {
          failures.add(title + ": " + query + " returns series now: remove it from PENDING");
        } else if (pending != null) {
          pendingSeen.add(title + " (" + pending + ")");
        }
      }
    }
    assertThat(queries).isGreaterThanOrEqualTo(30);
    assertThat(failures).isEmpty();
    // Each pending entry is used by the dashboard or the rules; none is dead weight.
    String rules = Files.readString(deploy.resolve("prometheus/fleetscaler.rules.yml"));
    String panels = dashboard.toString();
    for (String name : PENDING.keySet()) {
      String bare = name.replaceAll("\\{.*", "");
      assertThat(rules.contains(bare) || panels.contains(bare))
          .as(name + " is pending but neither a rule nor a panel reads it")
          .isTrue();
    }
    assertThat(pendingSeen).isNotEmpty();
  }

  @Test
  void lifecycleHistogramsHaveFixedBucketsFitForVmBootTimes() throws Exception {
    List<String> lines = Objects.requireNonNull(daemon).get("/metrics").body().lines().toList();
    for (String histogram :
        List.of(
            "fleeting_provisioner_instance_creation_time_seconds",
            "fleeting_provisioner_instance_is_running_time_seconds",
            "fleeting_provisioner_instance_deletion_time_seconds",
            "fleeting_taskscaler_task_instance_readiness_time_seconds")) {
      assertThat(lines.stream().filter(l -> l.startsWith(histogram + "_bucket{")))
          .as(histogram)
          .hasSize(18)
          .anyMatch(l -> l.contains("le=\"1.0\""))
          .anyMatch(l -> l.contains("le=\"60.0\""))
          .anyMatch(l -> l.contains("le=\"1800.0\""))
          .anyMatch(l -> l.contains("le=\"+Inf\""));
    }
    assertThat(
            lines.stream()
                .filter(
                    l ->
                        l.startsWith(
                            "fleeting_provisioner_instance_life_duration_seconds_bucket{")))
        .hasSize(12)
        .anyMatch(l -> l.contains("le=\"604800.0\""));
  }

  private static @Nullable String pendingIn(String expr) {
    for (Map.Entry<String, String> e : PENDING.entrySet()) {
      String key = e.getKey();
      if (key.contains("{")) {
        String metric = key.substring(0, key.indexOf('{'));
        String selector = key.substring(key.indexOf('{') + 1, key.length() - 1);
        if (expr.contains(metric) && expr.contains(selector)) {
          return e.getValue();
        }
      } else if (Pattern.compile("\\b" + Pattern.quote(key) + "\\b").matcher(expr).find()) {
        return e.getValue();
      }
    }
    return null;
  }

  /** The metric names in the daemon's exposition. */
  private Set<String> exposedNames() throws Exception {
    Set<String> names = new TreeSet<>();
    for (String line : Objects.requireNonNull(daemon).get("/metrics").body().lines().toList()) {
      if (!line.startsWith("#") && !line.isBlank()) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }

  private static Set<String> matches(Path file, String regex) throws Exception {
    Set<String> found = new TreeSet<>();
    Matcher m = Pattern.compile(regex).matcher(Files.readString(file));
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  /** Waits until {@code query} returns at least one series; fails with Prometheus's log. */
  private void awaitResult(String query) throws Exception {
    Instant deadline = Instant.now().plus(BOUND);
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      try {
        JsonObject answer =
            api("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        last = answer.toString();
        if (!answer.getAsJsonObject("data").getAsJsonArray("result").isEmpty()) {
          return;
        }
      } catch (java.io.IOException notListeningYet) {
        last = notListeningYet.toString();
      }
      pause();
    }
    throw new AssertionError(
        "no result for "
            + query
            + " within "
            + BOUND
            + "; last answer: "
            + last
            + "\nprometheus log:\n"
            + Files.readString(prometheusLog));
  }

  private JsonObject api(String pathAndQuery) throws Exception {
    assertThat(Objects.requireNonNull(prometheus).isAlive())
        .as("prometheus exited:%n%s", Files.readString(prometheusLog))
        .isTrue();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  /** Half a second, ended early if Prometheus exits (the next call then fails with its log). */
  private void pause() throws Exception {
    try {
      Objects.requireNonNull(prometheus).onExit().get(500, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException stillRunning) {
      // the normal case
    }
  }

  /** deploy/ at the repository's root; failsafe runs with the module's directory as basedir. */
  private static Path deployDirectory() {
    Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir", ".")));
    Path deploy = base.toAbsolutePath().resolveSibling("deploy");
    assertThat(deploy.resolve("prometheus/fleetscaler.rules.yml")).isRegularFile();
    return deploy;
  }
}
