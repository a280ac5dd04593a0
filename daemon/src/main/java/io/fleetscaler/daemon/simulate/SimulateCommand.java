package io.fleetscaler.daemon.simulate;

import io.fleetscaler.daemon.config.ConfigError;
import io.fleetscaler.daemon.config.ConfigException;
import io.fleetscaler.daemon.config.ConfigFile;
import io.fleetscaler.daemon.config.DaemonConfig;
import io.fleetscaler.daemon.config.GroupConfig;
import io.fleetscaler.plugin.api.GoDuration;
import io.fleetscaler.plugin.simulated.SimulatedOptions;
import io.fleetscaler.plugin.simulated.SimulatedOptions.Latency;
import io.fleetscaler.simulator.MinuteListener;
import io.fleetscaler.simulator.MinuteSample;
import io.fleetscaler.simulator.Scenario;
import io.fleetscaler.simulator.Simulation;
import io.fleetscaler.simulator.SimulationResult;
import io.fleetscaler.simulator.report.Reports;
import io.fleetscaler.simulator.trace.JobTrace;
import io.fleetscaler.simulator.trace.TraceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fleetscaler simulate}: replays a trace against every combination of the scaling settings
 * given (each setting may be a comma-separated list) and prints the results side by side.
 *
 * <p>Exit status: 0 on success, 1 when the trace is malformed or cannot be read, 2 on a usage error
 * (including invalid settings).
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Replay a job trace (arrival_seconds,duration_seconds per line) through the scaling engine on"
          + " a simulated cloud under a virtual clock; print job waits and instance-hours.",
      "Scaling settings take comma-separated lists: every combination is simulated and shown side"
          + " by side."
    })
public final class SimulateCommand implements Callable<Integer> {

  @Spec
  @SuppressWarnings("NullAway.Init") // injected by picocli before call()
  CommandSpec spec;

  @Option(names = "--trace", required = true, description = "The trace file (CSV).")
  @SuppressWarnings("NullAway.Init") // required: set by picocli before call()
  Path trace;

  @Option(
      names = "--config",
      description =
          "A daemon configuration file (TOML); each of its groups is replayed, its plugin replaced"
              + " by the simulated cloud. Repeatable. Excludes the scaling flags below.")
  List<Path> configs = new ArrayList<>();

  @Option(
      names = "--boot",
      defaultValue = "60s",
      description = "Boot time: a duration, or a range MIN..MAX drawn uniformly (default: 60s).")
  String boot = "60s";

  @Option(
      names = "--delete-time",
      defaultValue = "5s",
      description = "Deletion time, a duration or MIN..MAX (default: 5s).")
  String deleteTime = "5s";

  @Option(
      names = "--resume",
      description =
          "Resume time of a suspended instance, a duration or MIN..MAX; given, the simulated cloud"
              + " can suspend and resume (standby pools). Suspending takes the deletion time.")
  @Nullable String resume;

  @Option(
      names = "--standby-cost",
      defaultValue = "0.05",
      description =
          "What a suspended instance-hour costs as a fraction of a running one, for the"
              + " cost-equivalent hours (default: 0.05, a small VM's disk against its hourly"
              + " price).")
  double standbyCost = 0.05;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seeds every random draw (default: 1).")
  long seed = 1;

  @Option(
      names = "--start",
      defaultValue = "2020-02-03T00:01:15Z",
      description =
          "Wall-clock time of the trace's time 0, for cron periods (default: the shipped trace's"
              + " first job, ${DEFAULT-VALUE}).")
  String start = "2020-02-03T00:01:15Z";

  @Option(
      names = "--acquire-timeout",
      defaultValue = "24h",
      description = "A job waiting longer than this from its arrival is dropped (default: 24h).")
  String acquireTimeout = "24h";

  @Option(
      names = "--boot-failure-probability",
      defaultValue = "0",
      description = "Injected failure: chance that an instance fails to boot (default: 0).")
  double bootFailureProbability;

  @Option(
      names = "--loss-rate-per-hour",
      defaultValue = "0",
      description = "Injected failure: running instances lost per instance-hour (default: 0).")
  double lossRatePerHour;

  @Option(
      names = "--capacity-limit",
      description = "Injected failure: the cloud refuses instances beyond this many (stock-out).")
  @Nullable Integer capacityLimit;

  @Option(names = "--capacity", defaultValue = "1", description = "capacity_per_instance (1).")
  String capacity = "1";

  @Option(names = "--max-use", defaultValue = "0", description = "max_use_count (0: unlimited).")
  String maxUse = "0";

  @Option(names = "--max-instances", defaultValue = "1000", description = "max_instances (1000).")
  String maxInstances = "1000";

  @Option(names = "--idle-count", defaultValue = "0", description = "idle_count (0).")
  String idleCount = "0";

  @Option(names = "--idle-time", defaultValue = "5m", description = "idle_time (5m).")
  String idleTime = "5m";

  @Option(names = "--scale-factor", defaultValue = "0", description = "scale_factor (0: off).")
  String scaleFactor = "0";

  @Option(
      names = "--scale-factor-limit",
      defaultValue = "0",
      description = "scale_factor_limit (0: none).")
  String scaleFactorLimit = "0";

  @Option(
      names = "--preemptive",
      defaultValue = "default",
      description = "preemptive_mode: true, false or default (idle_count > 0).")
  String preemptive = "default";

  @Option(
      names = "--standby-count",
      defaultValue = "0",
      description = "standby_count: suspended instances to keep (0: no pool; needs --resume).")
  String standbyCount = "0";

  @Option(
      names = "--standby-max-age",
      defaultValue = "0s",
      description = "standby_max_age: how long an instance may stay suspended (0s: no limit).")
  String standbyMaxAge = "0s";

  @Option(
      names = "--idle-lead",
      defaultValue = "0s",
      description =
          "idle_lead: keep idle the jobs expected within this time at the recent rate (0s: off).")
  String idleLead = "0s";

  @Option(
      names = "--standby-burst-factor",
      defaultValue = "0",
      description =
          "standby_burst_factor: pool size per job of the largest recent one-minute burst (0: off).")
  String standbyBurstFactor = "0";

  @Option(
      names = "--demand-window",
      defaultValue = "30m",
      description =
          "demand_window: how far back --idle-lead and --standby-burst-factor read (30m).")
  String demandWindow = "30m";

  @Option(
      names = "--idle-window",
      defaultValue = "0s",
      description =
          "idle_window: --idle-lead reads a rate decaying with this time constant instead of the"
              + " --demand-window mean (0s: the mean).")
  String idleWindow = "0s";

  @Option(names = "--update-interval", defaultValue = "1m", description = "update_interval (1m).")
  String updateInterval = "1m";

  @Option(
      names = "--update-interval-when-expecting",
      defaultValue = "2s",
      description = "update_interval_when_expecting (2s).")
  String updateIntervalWhenExpecting = "2s";

  @Option(
      names = "--policy",
      description =
          "An extra policy after the base one (last match wins), e.g. 'periods=* 8-19 * * 1-5;"
              + " idle_count=10; idle_time=20m'; keys not given come from the base policy; periods"
              + " separated by |. Repeatable.")
  List<String> policies = new ArrayList<>();

  @Option(names = "--json", description = "Also write the results as JSON to this file.")
  @Nullable Path json;

  @Option(names = "--csv", description = "Write the per-minute time series as CSV to this file.")
  @Nullable Path csv;

  @Option(names = "--plot", description = "Draw demand against instances over time (SVG).")
  @Nullable Path plot;

  @Option(
      names = "--parallel",
      defaultValue = "1",
      description = "Replays to run at once (default: 1).")
  int parallel = 1;

  @Override
  public Integer call() throws IOException, InterruptedException {
    List<Scenario> scenarios = scenarios();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<SimulationResult> results;
    Reports.Plot plotter = Reports.plot();
    try (Writer csvOut = csv == null ? Writer.nullWriter() : writer(csv)) {
      Reports.TimeSeries series = csv == null ? null : Reports.csv(csvOut);
      List<Callable<SimulationResult>> runs = new ArrayList<>();
      for (Scenario s : scenarios) {
        MinuteListener toCsv = series == null ? MinuteListener.NONE : series.scenario(s.name());
        MinuteListener toPlot = plot == null ? MinuteListener.NONE : plotter.scenario(s.name());
        MinuteListener both = both(toCsv, toPlot);
        runs.add(
            () -> {
              try (JobTrace t = JobTrace.open(trace)) {
                return Simulation.run(s, t, both);
              }
            });
      }
      results = runAll(runs);
    } catch (TraceException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("error: " + e);
      return 1;
    }
    out.print(Reports.table(results));
    for (SimulationResult r : results) {
      out.printf(
          Locale.ROOT,
          "%s: replayed %d jobs (%.1f simulated days) in %.2f s, %.0f events/s%n",
          r.scenario(),
          r.jobs(),
          r.simulated().toMillis() / 86_400_000.0,
          r.wallTime().toNanos() / 1e9,
          r.eventsPerSecond());
    }
    if (json != null) {
      Files.writeString(json, Reports.json(results), StandardCharsets.UTF_8);
    }
    if (plot != null) {
      try (Writer w = writer(plot)) {
        plotter.write(w);
      }
    }
    out.flush();
    return 0;
  }

  private List<SimulationResult> runAll(List<Callable<SimulationResult>> runs)
      throws IOException, InterruptedException {
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, runs.size())));
    try {
      List<Future<SimulationResult>> futures = new ArrayList<>();
      for (Callable<SimulationResult> run : runs) {
        futures.add(pool.submit(run));
      }
      List<SimulationResult> results = new ArrayList<>();
      for (Future<SimulationResult> f : futures) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof IOException io) {
            throw io;
          }
          if (cause instanceof IllegalArgumentException iae) {
            throw new ParameterException(spec.commandLine(), iae.getMessage(), iae);
          }
          throw new IllegalStateException("replay failed: " + cause, cause);
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static MinuteListener both(MinuteListener a, MinuteListener b) {
    return (MinuteSample m) -> {
      a.minute(m);
      b.minute(m);
    };
  }

  private static Writer writer(Path file) throws IOException {
    return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }

  private List<Scenario> scenarios() {
    if (parallel < 1) {
      throw usage("--parallel: must be >= 1, got " + parallel);
    }
    SimulatedOptions cloud;
    Instant at;
    Duration timeout;
    try {
      cloud =
          Scenario.of("base", b -> b)
              .cloud()
              .withCreateLatency(latency("--boot", boot))
              .withDeleteLatency(latency("--delete-time", deleteTime))
              .withBootFailureProbability(bootFailureProbability)
              .withLossRatePerHour(lossRatePerHour)
              .withSeed(seed);
      if (capacityLimit != null) {
        cloud = cloud.withCapacityLimit(capacityLimit);
      }
      if (resume != null) {
        cloud =
            cloud
                .withSuspendResume(true)
                .withResumeLatency(latency("--resume", resume))
                .withSuspendLatency(cloud.deleteLatency());
      }
      if (!(standbyCost >= 0) || !Double.isFinite(standbyCost)) {
        throw new IllegalArgumentException(
            "--standby-cost: must be a finite number >= 0, got " + standbyCost);
      }
      timeout = GoDuration.parse(acquireTimeout);
      at = Instant.parse(start);
    } catch (DateTimeParseException e) {
      throw usage("--start: expected an ISO-8601 instant like 2020-02-03T00:01:15Z, got " + start);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    if (!configs.isEmpty()) {
      return fromConfigs(cloud, timeout, at);
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("capacity_per_instance", capacity);
    settings.put("max_use_count", maxUse);
    settings.put("max_instances", maxInstances);
    settings.put("idle_count", idleCount);
    settings.put("idle_time", idleTime);
    settings.put("scale_factor", scaleFactor);
    settings.put("scale_factor_limit", scaleFactorLimit);
    settings.put("preemptive_mode", preemptive);
    settings.put("standby_count", standbyCount);
    settings.put("standby_max_age", standbyMaxAge);
    settings.put("idle_lead", idleLead);
    settings.put("standby_burst_factor", standbyBurstFactor);
    settings.put("demand_window", demandWindow);
    settings.put("idle_window", idleWindow);
    settings.put("update_interval", updateInterval);
    settings.put("update_interval_when_expecting", updateIntervalWhenExpecting);
    List<Scenario> scenarios = new ArrayList<>();
    try {
      for (ScalingVariants.Variant v : new ScalingVariants(settings, policies).variants()) {
        scenarios.add(
            Scenario.of(v.name(), v.options())
                .withCloud(cloud)
                .withAcquireTimeout(timeout)
                .withStart(at)
                .withStandbyCost(standbyCost));
      }
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    return scenarios;
  }

  /** The scaling flags, refused with {@code --config}. */
  private static final List<String> SCALING_FLAGS =
      List.of(
          "--capacity",
          "--max-use",
          "--max-instances",
          "--idle-count",
          "--idle-time",
          "--scale-factor",
          "--scale-factor-limit",
          "--preemptive",
          "--standby-count",
          "--standby-max-age",
          "--idle-lead",
          "--standby-burst-factor",
          "--demand-window",
          "--update-interval",
          "--update-interval-when-expecting",
          "--policy");

  /** One scenario per group of every file, through {@link GroupConfig#applyTo}. */
  private List<Scenario> fromConfigs(SimulatedOptions cloud, Duration timeout, Instant at) {
    for (String flag : SCALING_FLAGS) {
      if (spec.commandLine().getParseResult().hasMatchedOption(flag)) {
        throw usage(flag + " cannot be combined with --config: set it in the file");
      }
    }
    List<Scenario> scenarios = new ArrayList<>();
    for (Path file : configs) {
      DaemonConfig config;
      try {
        config = ConfigFile.load(file, w -> spec.commandLine().getErr().println("warning: " + w));
      } catch (ConfigException e) {
        StringBuilder message = new StringBuilder("--config " + file + ": invalid");
        for (ConfigError error : e.errors()) {
          message.append("\n  ").append(error);
        }
        throw usage(message.toString());
      }
      for (GroupConfig group : config.groups()) {
        String name = configs.size() > 1 ? file.getFileName() + ":" + group.name() : group.name();
        scenarios.add(
            Scenario.of(name, group::applyTo)
                .withCloud(cloud)
                .withAcquireTimeout(timeout)
                .withStart(at)
                .withStandbyCost(standbyCost));
      }
    }
    return scenarios;
  }

  /** {@code 60s}, or {@code 45s..90s} for a uniform draw. */
  private static Latency latency(String option, String text) {
    int dots = text.indexOf("..");
    try {
      if (dots < 0) {
        return Latency.fixed(GoDuration.parse(text));
      }
      Duration min = GoDuration.parse(text.substring(0, dots));
      Duration max = GoDuration.parse(text.substring(dots + 2));
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException("the range's end is before its start");
      }
      return new Latency(min, max.minus(min));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage() + " in '" + text + "'", e);
    }
  }

  private ParameterException usage(@Nullable String message) {
    return new ParameterException(spec.commandLine(), String.valueOf(message));
  }
}
