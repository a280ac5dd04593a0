package io.fleetscaler.daemon.simulate;

import io.fleetscaler.daemon.config.ConfigError;
import io.fleetscaler.daemon.config.ConfigException;
import io.fleetscaler.daemon.config.ConfigFile;
import io.fleetscaler.daemon.config.DaemonConfig;
import io.fleetscaler.daemon.config.GroupConfig;
import io.fleetscaler.simulator.Scenario;
import io.fleetscaler.simulator.SimulationResult;
import io.fleetscaler.simulator.report.Reports;
import io.fleetscaler.simulator.trace.TraceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fleetscaler simulate}: replays a trace against every combination of the scaling settings
 * given (each setting may be a comma-separated list) and prints the results side by side.
 *
 * <p>The command owns the input and output flags, checking the flags into scenarios (its own, or
 * one per group of each {@code --config} file) and the exit status; the cloud and scaling flags are
 * the mixins {@link CloudFlags} and {@link ScalingFlags}, the run is {@link Replays}, the printing
 * {@link ResultReport}.
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

  @Mixin CloudFlags cloudFlags = new CloudFlags();

  @Mixin ScalingFlags scalingFlags = new ScalingFlags();

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
    Reports.Plot plotter = Reports.plot();
    List<SimulationResult> results;
    try {
      results =
          new Replays(trace, parallel, spec.commandLine())
              .run(scenarios, csv, plot == null ? null : plotter);
    } catch (TraceException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("error: " + e);
      return 1;
    }
    ResultReport.write(out, results, json, plot, plotter);
    return 0;
  }

  private List<Scenario> scenarios() {
    if (parallel < 1) {
      throw usage("--parallel: must be >= 1, got " + parallel);
    }
    CloudFlags.Shared shared;
    try {
      shared = cloudFlags.shared();
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    if (!configs.isEmpty()) {
      return fromConfigs(shared);
    }
    try {
      return scalingFlags.scenarios(shared);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  /** One scenario per group of every file, through {@link GroupConfig#applyTo}. */
  private List<Scenario> fromConfigs(CloudFlags.Shared shared) {
    for (String flag : ScalingFlags.NAMES) {
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
        scenarios.add(shared.applyTo(Scenario.of(name, group::applyTo)));
      }
    }
    return scenarios;
  }

  private ParameterException usage(@Nullable String message) {
    return new ParameterException(spec.commandLine(), String.valueOf(message));
  }
}
