package io.fleetscaler.simulator.report;

import io.fleetscaler.simulator.MinuteListener;
import io.fleetscaler.simulator.MinuteSample;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One panel per scenario: jobs in the system and instances, against time in days. Each series keeps
 * at most {@link #MAX_POINTS} points: when full, neighbours are merged (means of equal-length
 * buckets), so memory stays bounded however long the trace.
 */
final class SvgPlot implements Reports.Plot {
  static final int MAX_POINTS = 2048;
  private static final int WIDTH = 1000;
  private static final int PANEL = 220;
  private static final int LEFT = 60;
  private static final int TOP = 30;

  /** A downsampled series of (demand, instances, busy) means per bucket of minutes. */
  private static final class Series {
    final String name;
    final List<double[]> points = new ArrayList<>();
    int bucket = 1;
    double[] open = new double[3];
    int inOpen;
    long minutes;

    Series(String name) {
      this.name = name;
    }

    void add(MinuteSample m) {
      open[0] += m.demand();
      open[1] += m.instances();
      open[2] += m.busy();
      inOpen++;
      minutes++;
      if (inOpen == bucket) {
        points.add(new double[] {open[0] / bucket, open[1] / bucket, open[2] / bucket});
        open = new double[3];
        inOpen = 0;
        if (points.size() == MAX_POINTS) {
          halve();
        }
      }
    }

    private void halve() {
      List<double[]> merged = new ArrayList<>(MAX_POINTS / 2);
      for (int i = 0; i + 1 < points.size(); i += 2) {
        double[] a = points.get(i);
        double[] b = points.get(i + 1);
        merged.add(new double[] {(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2});
      }
      points.clear();
      points.addAll(merged);
      bucket *= 2;
    }
  }

  private final List<Series> series = new ArrayList<>();

  @Override
  public MinuteListener scenario(String name) {
    Series s = new Series(name);
    series.add(s);
    return s::add;
  }

  @Override
  public void write(Writer out) throws IOException {
    int height = TOP + series.size() * (PANEL + 40) + 20;
    out.write(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"11\">\n"
                + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            WIDTH + LEFT + 20,
            height));
    legend(out);
    for (int i = 0; i < series.size(); i++) {
      panel(out, series.get(i), TOP + i * (PANEL + 40));
    }
    out.write("</svg>\n");
  }

  private static void legend(Writer out) throws IOException {
    String[][] items = {
      {"#222222", "jobs in the system (waiting + running)"},
      {"#1f77b4", "instances (any state)"},
      {"#2ca02c", "busy instances"}
    };
    int x = LEFT;
    for (String[] item : items) {
      out.write(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"8\" width=\"14\" height=\"3\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"14\">%s</text>\n",
              x,
              item[0],
              x + 18,
              item[1]));
      x += 260;
    }
  }

  private static void panel(Writer out, Series s, int top) throws IOException {
    List<double[]> points = new ArrayList<>(s.points);
    if (s.inOpen > 0) {
      points.add(new double[] {s.open[0] / s.inOpen, s.open[1] / s.inOpen, s.open[2] / s.inOpen});
    }
    double max = 1;
    for (double[] p : points) {
      max = Math.max(max, Math.max(p[0], p[1]));
    }
    max = niceCeiling(max);
    double days = Math.max(s.minutes, 1) / 1440.0;
    out.write(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>\n",
            LEFT,
            top + 12,
            escape(s.name)));
    out.write(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#999\"/>\n",
            LEFT,
            top + 18,
            WIDTH,
            PANEL));
    int plotTop = top + 18;
    axes(out, plotTop, max, days);
    lines(out, s, points, plotTop, max);
  }

  /** The value grid (five lines up to {@code max}) and the day ticks under the panel. */
  private static void axes(Writer out, int plotTop, double max, double days) throws IOException {
    for (int k = 0; k <= 4; k++) {
      double v = max * k / 4;
      double y = plotTop + PANEL - PANEL * k / 4.0;
      out.write(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>\n",
              LEFT,
              LEFT + WIDTH,
              y,
              y,
              LEFT - 4,
              y + 4,
              v));
    }
    int dayStep = Math.max(1, (int) Math.ceil(days / 14));
    for (int d = 0; d <= days; d += dayStep) {
      double x = LEFT + WIDTH * d / days;
      out.write(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">day %d</text>\n",
              x,
              plotTop + PANEL + 14,
              d));
    }
  }

  /**
   * The three series as polylines, busy first so that jobs are drawn on top; each point at the
   * middle of the minutes it is the mean of.
   */
  private static void lines(Writer out, Series s, List<double[]> points, int plotTop, double max)
      throws IOException {
    String[] colours = {"#222222", "#1f77b4", "#2ca02c"};
    for (int c = 2; c >= 0; c--) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < points.size(); i++) {
        // Point i is the mean of minutes [i * bucket, (i + 1) * bucket); the last may be partial.
        double mid = i < s.points.size() ? (i + 0.5) * s.bucket : i * s.bucket + s.inOpen / 2.0;
        double x = LEFT + WIDTH * mid / Math.max(s.minutes, 1);
        double y = plotTop + PANEL - PANEL * points.get(i)[c] / max;
        line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      out.write(
          String.format(
              Locale.ROOT,
              "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1\" points=\"%s\"/>\n",
              colours[c],
              line.toString().strip()));
    }
  }

  private static double niceCeiling(double v) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * magnitude >= v) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
