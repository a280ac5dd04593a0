package io.fleetscaler.simulator.report;

import io.fleetscaler.simulator.SimulationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** The side-by-side text table. */
final class ResultTable {
  private ResultTable() {}

  static String render(List<SimulationResult> results) {
    List<String[]> rows = new ArrayList<>();
    rows.add(row("", results, SimulationResult::scenario));
    rows.add(row("jobs", results, r -> Long.toString(r.jobs())));
    rows.add(row("jobs timed out", results, r -> Long.toString(r.timedOut())));
    rows.add(row("jobs interrupted", results, r -> Long.toString(r.interrupted())));
    rows.add(row("wait mean (s)", results, r -> num(r.waits().mean())));
    rows.add(row("wait p50 (s)", results, r -> num(r.waits().p50())));
    rows.add(row("wait p95 (s)", results, r -> num(r.waits().p95())));
    rows.add(row("wait p99 (s)", results, r -> num(r.waits().p99())));
    rows.add(row("wait max (s)", results, r -> num(r.waits().max())));
    rows.add(row("jobs that waited", results, r -> pct(r.waits().shareWaited())));
    rows.add(row("instance-hours", results, r -> num(r.hours().total())));
    rows.add(row("  busy", results, r -> num(r.hours().busy())));
    rows.add(row("  idle", results, r -> num(r.hours().idle())));
    rows.add(row("  booting", results, r -> num(r.hours().booting())));
    rows.add(row("  deleting", results, r -> num(r.hours().deleting())));
    rows.add(row("suspended hours", results, r -> num(r.hours().suspended())));
    rows.add(row("cost-equivalent hours", results, r -> num(r.hours().costEquivalent())));
    rows.add(row("peak instances", results, r -> Integer.toString(r.peakInstances())));
    rows.add(row("creations", results, r -> Long.toString(r.creations())));
    for (String reason : keys(results, true)) {
      rows.add(
          row(
              "deletions: " + reason,
              results,
              r -> Long.toString(r.deletions().getOrDefault(reason, 0L))));
    }
    rows.add(row("instances lost", results, r -> Long.toString(r.vanished())));
    for (String reason : keys(results, false)) {
      rows.add(
          row(
              "not scaled: " + reason,
              results,
              r -> Long.toString(r.notScaled().getOrDefault(reason, 0L))));
    }
    rows.add(row("simulated (h)", results, r -> num(r.simulated().toMillis() / 3_600_000.0)));
    rows.add(row("wall time (s)", results, r -> num(r.wallTime().toMillis() / 1000.0)));
    rows.add(row("events", results, r -> Long.toString(r.events())));
    rows.add(
        row("events/s", results, r -> String.format(Locale.ROOT, "%.0f", r.eventsPerSecond())));
    return layout(rows);
  }

  private static Set<String> keys(List<SimulationResult> results, boolean deletions) {
    Set<String> keys = new TreeSet<>();
    for (SimulationResult r : results) {
      keys.addAll(deletions ? r.deletions().keySet() : r.notScaled().keySet());
    }
    return keys;
  }

  private static String[] row(
      String label, List<SimulationResult> results, Function<SimulationResult, String> cell) {
    String[] row = new String[results.size() + 1];
    row[0] = label;
    for (int i = 0; i < results.size(); i++) {
      row[i + 1] = cell.apply(results.get(i));
    }
    return row;
  }

  private static String layout(List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      line.append(row[0]).append(" ".repeat(width[0] - row[0].length()));
      for (int i = 1; i < columns; i++) {
        line.append("  ").append(" ".repeat(width[i] - row[i].length())).append(row[i]);
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  static String num(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  private static String pct(double share) {
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }
}
