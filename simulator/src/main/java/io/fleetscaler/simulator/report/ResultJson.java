package io.fleetscaler.simulator.report;

import io.fleetscaler.simulator.SimulationResult;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results as JSON, written by hand: flat records of numbers and strings. */
final class ResultJson {
  private ResultJson() {}

  static String render(List<SimulationResult> results) {
    StringBuilder out = new StringBuilder("{\"results\": [");
    for (int i = 0; i < results.size(); i++) {
      out.append(i == 0 ? "\n" : ",\n");
      result(out, results.get(i));
    }
    return out.append("\n]}\n").toString();
  }

  private static void result(StringBuilder out, SimulationResult r) {
    out.append("  {\"scenario\": ").append(string(r.scenario()));
    field(out, "jobs", r.jobs());
    field(out, "jobs_timed_out", r.timedOut());
    field(out, "jobs_interrupted", r.interrupted());
    out.append(",\n   \"wait_seconds\": {");
    out.append("\"mean\": ").append(num(r.waits().mean()));
    field(out, "p50", r.waits().p50());
    field(out, "p95", r.waits().p95());
    field(out, "p99", r.waits().p99());
    field(out, "max", r.waits().max());
    field(out, "share_waited", r.waits().shareWaited());
    out.append("},\n   \"instance_hours\": {");
    out.append("\"total\": ").append(num(r.hours().total()));
    field(out, "busy", r.hours().busy());
    field(out, "idle", r.hours().idle());
    field(out, "booting", r.hours().booting());
    field(out, "deleting", r.hours().deleting());
    field(out, "suspended", r.hours().suspended());
    field(out, "cost_equivalent", r.hours().costEquivalent());
    out.append("},\n   ");
    out.append("\"peak_instances\": ").append(r.peakInstances());
    field(out, "creations", r.creations());
    map(out, "deletions", r.deletions());
    field(out, "instances_lost", r.vanished());
    map(out, "not_scaled", r.notScaled());
    out.append(",\n   ");
    out.append("\"simulated_seconds\": ").append(num(r.simulated().toNanos() / 1e9));
    field(out, "wall_seconds", r.wallTime().toNanos() / 1e9);
    field(out, "events", r.events());
    field(out, "events_per_second", r.eventsPerSecond());
    out.append('}');
  }

  private static void field(StringBuilder out, String name, long value) {
    out.append(", ").append(string(name)).append(": ").append(value);
  }

  private static void field(StringBuilder out, String name, double value) {
    out.append(", ").append(string(name)).append(": ").append(num(value));
  }

  private static void map(StringBuilder out, String name, Map<String, Long> values) {
    out.append(", ").append(string(name)).append(": {");
    boolean first = true;
    for (Map.Entry<String, Long> e : new java.util.TreeMap<>(values).entrySet()) {
      out.append(first ? "" : ", ").append(string(e.getKey())).append(": ").append(e.getValue());
      first = false;
    }
    out.append('}');
  }

  private static String num(double value) {
    if (!Double.isFinite(value)) {
      return "null";
    }
    return String.format(Locale.ROOT, "%.6f", value).replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  static String string(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
