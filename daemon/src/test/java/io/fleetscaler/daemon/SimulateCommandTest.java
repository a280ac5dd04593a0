package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import picocli.CommandLine;

/**
 * {@code fleetscaler simulate} end to end, in process: arguments in, reports and exit codes out.
 */
class SimulateCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private Path trace(String text) throws Exception {
    Path file = dir.resolve("t.csv");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void aStandbyPoolIsReplayedWithItsSuspendedHoursPriced() throws Exception {
    // The hand-computed trace of the simulator's ReplayStandbyExactTest: each job waits one resume.
    Path trace = trace("100,10\n200,10\n");
    int code =
        run(
            "simulate",
            "--trace=" + trace,
            "--boot=30s",
            "--delete-time=5s",
            "--resume=10s",
            "--standby-cost=0.05",
            "--max-use=1",
            "--idle-time=20m",
            "--standby-count=0,1");
    assertThat(code).as(err.toString()).isZero();
    String table = out.toString();
    assertThat(table.lines().findFirst().orElseThrow())
        .contains("standby_count=0", "standby_count=1");
    assertThat(table).contains("suspended hours", "cost-equivalent hours");
    // Without a pool each job waits a boot and the next 2-second step; with one, one resume.
    assertThat(table).containsPattern("wait max \\(s\\) +30\\.00 +10\\.00");
  }

  @Test
  void aShortMemoryIsAColumnOfItsOwn() throws Exception {
    // The hand-computed trace of the simulator's ReplayShortMemoryExactTest: the second job
    // finds its instance resuming since the first one's arrival.
    Path trace = trace("100,10\n105,10\n");
    int code =
        run(
            "simulate",
            "--trace=" + trace,
            "--boot=30s",
            "--delete-time=5s",
            "--resume=10s",
            "--max-use=1",
            "--idle-time=20m",
            "--standby-count=3",
            "--idle-lead=60s",
            "--idle-window=0s,60s");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString().lines().findFirst().orElseThrow())
        .contains("idle_window=0s", "idle_window=60s");
    // The window's mean resumes nothing ahead (job 2 waits 11 s); the short memory does (5 s).
    assertThat(out.toString()).containsPattern("wait mean \\(s\\) +10\\.50 +7\\.50");
  }

  @Test
  void badStandbySettingsAreUsageErrors() throws Exception {
    Path trace = trace("0,10\n");
    assertThat(run("simulate", "--trace=" + trace, "--resume=10s", "--standby-cost=-1"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--standby-cost");
    assertThat(run("simulate", "--trace=" + trace, "--resume=later")).isEqualTo(2);
    assertThat(err.toString()).contains("--resume");
    assertThat(run("simulate", "--trace=" + trace, "--standby-count=-2")).isEqualTo(2);
    assertThat(err.toString()).contains("standby_count");
  }

  @Test
  void comparesEveryCombinationSideBySideAndWritesJsonCsvAndPlot() throws Exception {
    Path trace = trace("arrival_seconds,duration_seconds\n0,100\n10,50\n130,10\n3600,30\n");
    Path json = dir.resolve("r.json");
    Path csv = dir.resolve("m.csv");
    Path svg = dir.resolve("p.svg");
    int code =
        run(
            "simulate",
            "--trace=" + trace,
            "--boot=61s",
            "--idle-count=0,2",
            "--max-use=1",
            "--json=" + json,
            "--csv=" + csv,
            "--plot=" + svg,
            "--parallel=2");
    assertThat(code).as(err.toString()).isZero();
    String table = out.toString();
    assertThat(table.lines().findFirst().orElseThrow()).contains("idle_count=0", "idle_count=2");
    assertThat(table).contains("wait mean (s)", "instance-hours", "deletions: max_use", "events/s");
    // idle_count 0: the hand-computed replay of the simulator's tests, plus a job waiting one boot.
    assertThat(table).containsPattern("wait max \\(s\\) +62\\.00");

    String results = Files.readString(json);
    assertThat(results)
        .contains("\"scenario\": \"idle_count=0\"", "\"scenario\": \"idle_count=2\"");
    assertThat(results).contains("\"wait_seconds\"", "\"instance_hours\"", "\"events_per_second\"");

    List<String> rows = Files.readAllLines(csv);
    assertThat(rows.get(0)).startsWith("scenario,minute,time,arrivals,waiting,running,demand");
    // With an idle instance the last job runs 3600-3630 s: minutes 0 to 60. With none (idle_time
    // 5m emptied the fleet) it waits one boot and the next loop step and runs 3662-3692 s.
    assertThat(rows.stream().filter(r -> r.startsWith("idle_count=2,"))).hasSize(61);
    assertThat(rows.stream().filter(r -> r.startsWith("idle_count=0,"))).hasSize(62);

    Document plot = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
    assertThat(plot.getDocumentElement().getTagName()).isEqualTo("svg");
    assertThat(plot.getElementsByTagName("polyline").getLength()).isEqualTo(6);
  }

  @Test
  void replaysEveryGroupOfTheConfigFilesThroughApplyTo() throws Exception {
    Path trace = trace("0,100\n10,50\n130,10\n");
    Path a = dir.resolve("a.toml");
    Files.writeString(
        a,
        """
        [[group]]
        name = "on-demand"
        plugin = "simulated"
        capacity_per_instance = 1
        max_instances = 10

        [[group]]
        name = "warm"
        plugin = "simulated"
        capacity_per_instance = 1
        max_instances = 10

        [[group.policy]]
        idle_count = 2
        preemptive_mode = false
        """);
    int code = run("simulate", "--trace=" + trace, "--boot=61s", "--config=" + a);
    assertThat(code).as(err.toString()).isZero();
    String header = out.toString().lines().findFirst().orElseThrow();
    assertThat(header).contains("on-demand", "warm");
    // The on-demand group is the hand-computed replay: waits 62, 62 and 0.
    assertThat(out.toString()).containsPattern("wait mean \\(s\\) +41\\.33");

    Path b = dir.resolve("b.toml");
    Files.copy(a, b);
    assertThat(run("simulate", "--trace=" + trace, "--config=" + a, "--config=" + b)).isZero();
    assertThat(out.toString()).contains("a.toml:warm", "b.toml:on-demand");
  }

  @Test
  void configErrorsAndMixedFlagsAreUsageErrors() throws Exception {
    Path trace = trace("0,10\n");
    Path bad = dir.resolve("bad.toml");
    Files.writeString(
        bad, "[[group]]\nname = \"x\"\nplugin = \"simulated\"\ncapacity_per_instance = 0\n");
    assertThat(run("simulate", "--trace=" + trace, "--config=" + bad)).isEqualTo(2);
    assertThat(err.toString()).contains("bad.toml", "capacity_per_instance");
    Path good = dir.resolve("good.toml");
    Files.writeString(good, "[[group]]\nname = \"x\"\nplugin = \"simulated\"\n");
    assertThat(run("simulate", "--trace=" + trace, "--config=" + good, "--idle-count=3"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--idle-count cannot be combined with --config");
  }

  @Test
  void aMalformedTraceLineFailsWithItsNumber() throws Exception {
    Path trace = trace("0,10\n5,10\nsix,10\n");
    assertThat(run("simulate", "--trace=" + trace)).isEqualTo(1);
    assertThat(err.toString()).contains("t.csv:3: arrival_seconds must be a number of seconds");
  }

  @Test
  void invalidSettingsAreUsageErrorsNamingTheKey() throws Exception {
    Path trace = trace("0,10\n");
    assertThat(run("simulate", "--trace=" + trace, "--idle-count=1,x")).isEqualTo(2);
    assertThat(err.toString()).contains("idle_count: expected an integer, got 'x'");
    assertThat(run("simulate", "--trace=" + trace, "--policy=periods=* 25 * * *")).isEqualTo(2);
    assertThat(err.toString()).contains("periods[0]: '* 25 * * *'");
    assertThat(run("simulate", "--trace=" + trace, "--capacity=99")).isEqualTo(2);
    assertThat(err.toString()).contains("capacity_per_instance");
    assertThat(run("simulate", "--trace=" + trace, "--boot=90s..30s")).isEqualTo(2);
    assertThat(err.toString()).contains("--boot: the range's end is before its start");
    assertThat(run("simulate", "--trace=" + trace, "--idle-window=30s")).isEqualTo(2);
    assertThat(err.toString()).contains("idle_window: sizes the idle target of idle_lead");
  }
}
