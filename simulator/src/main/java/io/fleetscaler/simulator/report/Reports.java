package io.fleetscaler.simulator.report;

import io.fleetscaler.simulator.MinuteListener;
import io.fleetscaler.simulator.SimulationResult;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/** Renders replay results; see each method. */
public interface Reports {

  /** The results side by side, one column per scenario, one row per measure. */
  static String table(List<SimulationResult> results) {
    return ResultTable.render(results);
  }

  /**
   * The results as one JSON object: {@code {"results": [...]}}, each result with the fields of
   * {@link SimulationResult} (durations in seconds, hours as numbers) plus {@code
   * events_per_second}.
   */
  static String json(List<SimulationResult> results) {
    return ResultJson.render(results);
  }

  /**
   * A CSV time series on {@code out}; writes the header now. {@link TimeSeries#scenario} gives the
   * listener for one replay; rows of several replays share the file, told apart by the first
   * column.
   */
  static TimeSeries csv(Writer out) throws IOException {
    return new CsvTimeSeries(out);
  }

  /**
   * A plot collector: listen to each replay with {@link Plot#scenario}, then {@link Plot#write} an
   * SVG with one panel per scenario of jobs in the system (waiting or running) and instances.
   */
  static Plot plot() {
    return new SvgPlot();
  }

  /** Receives minutes of several replays. */
  interface TimeSeries {
    /** The listener for the replay of {@code name}. */
    MinuteListener scenario(String name);
  }

  /** Collects a bounded number of points per replay and draws them. */
  interface Plot {
    /** The listener for the replay of {@code name}. */
    MinuteListener scenario(String name);

    /** Writes the SVG document. */
    void write(Writer out) throws IOException;
  }
}
