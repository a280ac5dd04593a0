package io.fleetscaler.simulator.frontier;

import io.fleetscaler.core.policy.DemandSizing;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.simulated.SimulatedOptions.Latency;
import io.fleetscaler.simulator.MinuteListener;
import io.fleetscaler.simulator.Scenario;
import io.fleetscaler.simulator.Simulation;
import io.fleetscaler.simulator.SimulationResult;
import io.fleetscaler.simulator.trace.JobTrace;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The standby frontier on the standard scenario (capacity 1, max_use_count 1, idle_time 20m,
 * preemptive mode off, boot 60 s, deletion and suspension 5 s, a suspended hour at 0.05): every
 * configuration without standby once, every configuration with standby per resume time, over the
 * whole trace or one half of it. Prints one line per replay as it ends, then Markdown tables, and
 * writes the SVG plot.
 *
 * <p>Usage: {@code FrontierStudy TRACE SVG all|first|second RESUMES SPEC...} where {@code RESUMES}
 * is e.g. {@code 10,20,30} and each {@code SPEC} is {@code name:key=value,...} with keys {@code
 * idle} (idle_count), {@code factor} (scale_factor), {@code standby} (standby_count), and for pools
 * by the hour of the week (learned from the first half) {@code q} (quantile of per-minute
 * arrivals), {@code scale} and {@code idlescale} (idle count per mean arrival per minute of the
 * hour), and for targets sized from recent demand ({@code idle_lead}, {@code standby_burst_factor},
 * {@code demand_window}) {@code lead} (seconds), {@code burst} (factor) and {@code window}
 * (minutes, default 30); {@code cost} prices a suspended hour (default 0.05; {@code cost=0} is the
 * bound run: a pool whose disks are free, to show what the running hours alone take). A spec
 * without {@code standby}, {@code q} or {@code burst} is a configuration without standby. Run it
 * outside the build (see docs/simulator.md); one replay of the whole trace takes 10-30 s.
 */
public final class FrontierStudy {
  private static final Duration HALF = Duration.ofDays(14);

  /** One configuration to replay. */
  record Spec(
      String name,
      int idle,
      double factor,
      int standby,
      double quantile,
      double scale,
      double idleScale,
      int lead,
      double burst,
      int window,
      double standbyCost) {
    boolean usesStandby() {
      return standby > 0 || quantile > 0 || burst > 0;
    }

    DemandSizing demand() {
      return new DemandSizing(Duration.ofSeconds(lead), burst, Duration.ofMinutes(window));
    }

    static Spec parse(String text) {
      int colon = text.indexOf(':');
      if (colon < 1) {
        throw new IllegalArgumentException("expected name:key=value,..., got '" + text + "'");
      }
      Map<String, String> kv = new LinkedHashMap<>();
      for (String part : text.substring(colon + 1).split(",", -1)) {
        if (part.isBlank()) {
          continue;
        }
        String[] p = part.split("=", 2);
        if (p.length != 2) {
          throw new IllegalArgumentException("expected key=value, got '" + part + "'");
        }
        kv.put(p[0].strip(), p[1].strip());
      }
      return new Spec(
          text.substring(0, colon),
          Integer.parseInt(kv.getOrDefault("idle", "0")),
          Double.parseDouble(kv.getOrDefault("factor", "0")),
          Integer.parseInt(kv.getOrDefault("standby", "0")),
          Double.parseDouble(kv.getOrDefault("q", "0")),
          Double.parseDouble(kv.getOrDefault("scale", "1")),
          Double.parseDouble(kv.getOrDefault("idlescale", "0")),
          Integer.parseInt(kv.getOrDefault("lead", "0")),
          Double.parseDouble(kv.getOrDefault("burst", "0")),
          Integer.parseInt(kv.getOrDefault("window", "30")),
          Double.parseDouble(
              kv.getOrDefault("cost", String.valueOf(Scenario.DEFAULT_STANDBY_COST))));
    }
  }

  /** One replay's figures. */
  record Row(Spec spec, int resume, SimulationResult result) {}

  private FrontierStudy() {}

  public static void main(String[] args) throws IOException {
    if (args.length >= 3 && args[0].equals("replot")) {
      replot(Path.of(args[1]), args[2], List.of(args).subList(3, args.length));
      return;
    }
    if (args.length < 5) {
      System.err.println("usage: FrontierStudy TRACE SVG all|first|second RESUMES SPEC...");
      System.exit(2);
    }
    Path trace = Path.of(args[0]);
    Path svg = Path.of(args[1]);
    String window = args[2];
    List<Integer> resumes = new ArrayList<>();
    for (String r : args[3].split(",", -1)) {
      resumes.add(Integer.parseInt(r.strip()));
    }
    List<Spec> specs = new ArrayList<>();
    for (int i = 4; i < args.length; i++) {
      specs.add(Spec.parse(args[i]));
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    long[][][] counts;
    try (JobTrace t = new TraceWindow(JobTrace.open(trace), 0, HALF.toMillis())) {
      counts = HourOfWeekPools.minuteCounts(t, Scenario.SHIPPED_TRACE_START, HALF);
    }
    List<Row> rows = new ArrayList<>();
    for (Spec spec : specs) {
      List<Integer> times = spec.usesStandby() ? resumes : List.of(0);
      for (int resume : times) {
        SimulationResult r = replay(trace, window, spec, resume, counts, out);
        rows.add(new Row(spec, resume, r));
        out.printf(
            Locale.ROOT,
            "%s\tresume=%d\tmean=%.2f\tp95=%.0f\tp99=%.0f\trunning=%.0f\tsuspended=%.0f\tcost=%.0f"
                + "\twall=%.1fs%n",
            spec.name(),
            resume,
            r.waits().mean(),
            r.waits().p95(),
            r.waits().p99(),
            r.hours().total(),
            r.hours().suspended(),
            r.hours().costEquivalent(),
            r.wallTime().toMillis() / 1000.0);
      }
    }
    out.println();
    out.print(tables(rows, resumes));
    plot(svg, window, rows, resumes);
  }

  /**
   * Writes the frontier plot: the configurations without standby as one series in the order they
   * ran, those with standby as one series per resume time sorted by cost, and the budget line at
   * the cost of {@code idle_count 5}.
   */
  private static void plot(Path svg, String window, List<Row> rows, List<Integer> resumes)
      throws IOException {
    List<FrontierSvg.Series> series = new ArrayList<>();
    List<FrontierSvg.Point> plain = new ArrayList<>();
    double budget = 0;
    for (Row row : rows) {
      if (!row.spec().usesStandby()) {
        plain.add(point(row));
        if (row.spec().idle() == 5 && row.spec().factor() == 0) {
          budget = row.result().hours().costEquivalent();
        }
      }
    }
    series.add(new FrontierSvg.Series("without standby (idle_count)", plain));
    for (int resume : resumes) {
      List<FrontierSvg.Point> points = new ArrayList<>();
      for (Row row : rows) {
        if (row.spec().usesStandby() && row.resume() == resume) {
          points.add(point(row));
        }
      }
      points.sort((a, b) -> Double.compare(a.cost(), b.cost()));
      series.add(new FrontierSvg.Series("with standby, resume " + resume + " s", points));
    }
    Files.writeString(
        svg,
        FrontierSvg.render(
            "Standard scenario (" + window + "): cost against mean wait", series, budget, 16, 65),
        StandardCharsets.UTF_8);
  }

  /** One replay's line as {@link #main} prints it, read back. */
  record Line(
      String name,
      int resume,
      double mean,
      double p95,
      double p99,
      double running,
      double suspended,
      double cost) {
    static @Nullable Line parse(String text) {
      String[] f = text.split("\t", -1);
      if (f.length < 8 || !f[1].startsWith("resume=")) {
        return null;
      }
      return new Line(
          f[0],
          Integer.parseInt(f[1].substring(7)),
          number(f[2]),
          number(f[3]),
          number(f[4]),
          number(f[5]),
          number(f[6]),
          number(f[7]));
    }

    private static double number(String kv) {
      return Double.parseDouble(kv.substring(kv.indexOf('=') + 1));
    }
  }

  /**
   * Redraws the plot and the tables from the lines of several runs (so that a study can run in
   * chunks): {@code replot SVG TITLE FILE...}. Lines with resume 0 are the configurations without
   * standby; the one named {@code idle_count 5} is the budget.
   */
  static void replot(Path svg, String title, List<String> files) throws IOException {
    List<Line> lines = new ArrayList<>();
    for (String f : files) {
      for (String text : Files.readAllLines(Path.of(f), StandardCharsets.UTF_8)) {
        Line l = Line.parse(text);
        if (l != null) {
          lines.add(l);
        }
      }
    }
    double budget = 0;
    List<FrontierSvg.Point> plain = new ArrayList<>();
    Map<Integer, List<FrontierSvg.Point>> byResume = new java.util.TreeMap<>();
    StringBuilder md = new StringBuilder();
    for (Line l : lines) {
      FrontierSvg.Point p = new FrontierSvg.Point(l.name(), l.cost(), l.mean());
      if (l.resume() == 0) {
        plain.add(p);
        if (l.name().equals("idle_count 5")) {
          budget = l.cost();
        }
      } else {
        byResume.computeIfAbsent(l.resume(), r -> new ArrayList<>()).add(p);
      }
    }
    List<FrontierSvg.Series> series = new ArrayList<>();
    plain.sort((a, b) -> Double.compare(a.cost(), b.cost()));
    series.add(new FrontierSvg.Series("without standby (idle_count)", plain));
    for (Map.Entry<Integer, List<FrontierSvg.Point>> e : byResume.entrySet()) {
      e.getValue().sort((a, b) -> Double.compare(a.cost(), b.cost()));
      series.add(new FrontierSvg.Series("with standby, resume " + e.getKey() + " s", e.getValue()));
    }
    List<Integer> resumes = new ArrayList<>(byResume.keySet());
    resumes.add(0, 0);
    for (int resume : resumes) {
      md.append(resume == 0 ? "Without standby:" : "With standby, resume " + resume + " s:")
          .append("\n\n");
      header(md);
      for (Line l : lines) {
        if (l.resume() == resume) {
          md.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %,.0f | %,.0f | %,.0f | %.2f | %.0f | %.0f |%n",
                  l.name(),
                  l.running(),
                  l.suspended(),
                  l.cost(),
                  l.mean(),
                  l.p95(),
                  l.p99()));
        }
      }
      md.append('\n');
    }
    new PrintStream(System.out, true, StandardCharsets.UTF_8).print(md);
    Files.writeString(
        svg, FrontierSvg.render(title, series, budget, 16, 65), StandardCharsets.UTF_8);
  }

  private static FrontierSvg.Point point(Row row) {
    return new FrontierSvg.Point(
        row.spec().name(), row.result().hours().costEquivalent(), row.result().waits().mean());
  }

  private static SimulationResult replay(
      Path trace, String window, Spec spec, int resume, long[][][] counts, PrintStream log)
      throws IOException {
    Policy base =
        Policy.of(spec.idle())
            .withIdleTime(Duration.ofMinutes(20))
            .withPreemptiveMode(false)
            .withScaleFactor(spec.factor(), 0)
            .withStandby(spec.standby(), Duration.ZERO)
            .withDemand(spec.demand());
    List<Policy> policies =
        spec.quantile() > 0
            ? HourOfWeekPools.policies(
                base, counts, spec.quantile(), spec.scale(), spec.standby(), spec.idleScale())
            : List.of(base);
    if (spec.quantile() > 0) {
      log.println("# " + spec.name() + " pools: " + HourOfWeekPools.describe(policies));
    }
    Instant start = Scenario.SHIPPED_TRACE_START;
    long from = 0;
    long to = Long.MAX_VALUE;
    switch (window) {
      case "all" -> {}
      case "first" -> to = HALF.toMillis();
      case "second" -> {
        from = HALF.toMillis();
        start = start.plus(HALF);
      }
      default -> throw new IllegalArgumentException("window: all, first or second, got " + window);
    }
    Scenario s =
        Scenario.of(
                spec.name(),
                b -> b.capacityPerInstance(1).maxUseCount(1).maxInstances(1000).policies(policies))
            .withStart(start)
            .withStandbyCost(spec.standbyCost());
    if (resume > 0) {
      s = s.withResume(Latency.fixed(Duration.ofSeconds(resume)));
    }
    try (JobTrace t =
        to == Long.MAX_VALUE && from == 0
            ? JobTrace.open(trace)
            : new TraceWindow(JobTrace.open(trace), from, to)) {
      return Simulation.run(s, t, MinuteListener.NONE);
    }
  }

  /** One Markdown table per resume time: the configurations without standby, then those with. */
  static String tables(List<Row> rows, List<Integer> resumes) {
    StringBuilder md = new StringBuilder();
    md.append("Without standby:\n\n");
    header(md);
    for (Row row : rows) {
      if (!row.spec().usesStandby()) {
        line(md, row);
      }
    }
    for (int resume : resumes) {
      md.append("\nWith standby, resume ").append(resume).append(" s:\n\n");
      header(md);
      for (Row row : rows) {
        if (row.spec().usesStandby() && row.resume() == resume) {
          line(md, row);
        }
      }
    }
    return md.toString();
  }

  private static void header(StringBuilder md) {
    md.append(
        "| configuration | running h | suspended h | cost-equivalent h | mean wait (s) | p95 (s) |"
            + " p99 (s) |\n|---|---:|---:|---:|---:|---:|---:|\n");
  }

  private static void line(StringBuilder md, Row row) {
    SimulationResult r = row.result();
    md.append(
        String.format(
            Locale.ROOT,
            "| %s | %,.0f | %,.0f | %,.0f | %.2f | %.0f | %.0f |%n",
            row.spec().name(),
            r.hours().total(),
            r.hours().suspended(),
            r.hours().costEquivalent(),
            r.waits().mean(),
            r.waits().p95(),
            r.waits().p99()));
  }
}
