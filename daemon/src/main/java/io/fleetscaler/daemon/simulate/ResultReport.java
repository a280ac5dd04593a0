package io.fleetscaler.daemon.simulate;

import io.fleetscaler.simulator.SimulationResult;
import io.fleetscaler.simulator.report.Reports;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The report of one {@code simulate} call: the side-by-side table and one line per replay (jobs,
 * simulated days, wall time, events per second) on standard output, and the JSON results and the
 * SVG plot when their files are asked for. Owns the report's wording and the output files; the
 * figures come from {@link Reports}.
 */
final class ResultReport {

  private ResultReport() {}

  /**
   * Prints the table and the replay lines to {@code out}, then writes {@code json} and {@code
   * plot}.
   */
  static void write(
      PrintWriter out,
      List<SimulationResult> results,
      @Nullable Path json,
      @Nullable Path plot,
      Reports.Plot plotter)
      throws IOException {
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
      try (Writer w = Replays.writer(plot)) {
        plotter.write(w);
      }
    }
    out.flush();
  }
}
