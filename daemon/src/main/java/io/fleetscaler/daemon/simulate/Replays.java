package io.fleetscaler.daemon.simulate;

import io.fleetscaler.simulator.MinuteListener;
import io.fleetscaler.simulator.MinuteSample;
import io.fleetscaler.simulator.Scenario;
import io.fleetscaler.simulator.Simulation;
import io.fleetscaler.simulator.SimulationResult;
import io.fleetscaler.simulator.report.Reports;
import io.fleetscaler.simulator.trace.JobTrace;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The replay run of one {@code simulate} call: every scenario against its own reading of the trace,
 * up to {@code parallel} at once, each simulated minute sent to the CSV time series and to the plot
 * when they are asked for. Owns the thread pool (shut down before {@link #run} returns) and the CSV
 * file (closed before it returns). A scenario refused by the engine ({@link
 * IllegalArgumentException}) becomes a usage error of {@code commandLine}.
 */
final class Replays {

  private final Path trace;
  private final int parallel;
  private final CommandLine commandLine;

  Replays(Path trace, int parallel, CommandLine commandLine) {
    this.trace = trace;
    this.parallel = parallel;
    this.commandLine = commandLine;
  }

  /**
   * Replays {@code scenarios} and returns their results in the same order; writes the per-minute
   * series to {@code csv} and feeds {@code plotter} when not null.
   *
   * @throws IOException the trace or the CSV file cannot be read or written (a {@link
   *     io.fleetscaler.simulator.trace.TraceException} when the trace is malformed)
   */
  List<SimulationResult> run(
      List<Scenario> scenarios, @Nullable Path csv, Reports.@Nullable Plot plotter)
      throws IOException, InterruptedException {
    try (Writer csvOut = csv == null ? Writer.nullWriter() : writer(csv)) {
      Reports.TimeSeries series = csv == null ? null : Reports.csv(csvOut);
      List<Callable<SimulationResult>> runs = new ArrayList<>();
      for (Scenario s : scenarios) {
        MinuteListener toCsv = series == null ? MinuteListener.NONE : series.scenario(s.name());
        MinuteListener toPlot = plotter == null ? MinuteListener.NONE : plotter.scenario(s.name());
        MinuteListener both = both(toCsv, toPlot);
        runs.add(
            () -> {
              try (JobTrace t = JobTrace.open(trace)) {
                return Simulation.run(s, t, both);
              }
            });
      }
      return runAll(runs);
    }
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
            throw new ParameterException(commandLine, iae.getMessage(), iae);
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

  /** A UTF-8 writer on {@code file}, created or truncated. */
  static Writer writer(Path file) throws IOException {
    return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }
}
