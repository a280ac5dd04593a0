package io.fleetscaler.simulator.report;

import io.fleetscaler.simulator.MinuteListener;
import io.fleetscaler.simulator.MinuteSample;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

/** One CSV row per scenario and minute, written as the replay goes; replays may share it. */
final class CsvTimeSeries implements Reports.TimeSeries {
  static final String HEADER =
      "scenario,minute,time,arrivals,waiting,running,demand,booting,idle,busy,deleting,instances";

  private final Writer out;

  CsvTimeSeries(Writer out) throws IOException {
    this.out = out;
    out.write(HEADER);
    out.write('\n');
  }

  @Override
  public MinuteListener scenario(String name) {
    String label = quoted(name);
    return m -> {
      String row = row(label, m);
      // Replays may run in parallel; each row is written whole.
      synchronized (out) {
        out.write(row);
      }
    };
  }

  private static String row(String label, MinuteSample m) {
    return String.format(
        Locale.ROOT,
        "%s,%d,%s,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f\n",
        label,
        m.minute(),
        m.start(),
        m.arrivals(),
        m.waiting(),
        m.running(),
        m.demand(),
        m.booting(),
        m.idle(),
        m.busy(),
        m.deleting(),
        m.instances());
  }

  /** RFC 4180 quoting when needed. */
  private static String quoted(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
