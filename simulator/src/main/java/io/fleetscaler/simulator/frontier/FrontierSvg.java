package io.fleetscaler.simulator.frontier;

import java.util.List;
import java.util.Locale;

/**
 * Cost against mean wait as an SVG line chart: one polyline per series, a dot per configuration,
 * and dashed guides at a cost budget and a wait goal. Pure: the same input gives the same bytes.
 */
final class FrontierSvg {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 520;
  private static final int LEFT = 70;
  private static final int RIGHT = 220;
  private static final int TOP = 40;
  private static final int BOTTOM = 60;
  private static final List<String> COLOURS =
      List.of("#444444", "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e");

  /** One configuration: its cost (cost-equivalent instance-hours) and mean wait (s). */
  record Point(String label, double cost, double meanWait) {}

  /** A named line of points, drawn in order. */
  record Series(String name, List<Point> points) {}

  private FrontierSvg() {}

  static String render(
      String title, List<Series> series, double budgetCost, double goalWait, double maxWait) {
    double minCost = Double.MAX_VALUE;
    double maxCost = 0;
    for (Series s : series) {
      for (Point p : s.points()) {
        minCost = Math.min(minCost, p.cost());
        maxCost = Math.max(maxCost, p.cost());
      }
    }
    minCost = Math.min(minCost, budgetCost);
    maxCost = Math.max(maxCost, budgetCost);
    double span = Math.max(1, maxCost - minCost);
    double x0 = minCost - span * 0.05;
    double x1 = maxCost + span * 0.05;
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n",
            WIDTH,
            HEIGHT));
    out.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    out.append(text(LEFT, 22, title, "start", 15));
    Frame f = new Frame(x0, x1, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM, maxWait);
    axes(out, f);
    guides(out, f, budgetCost, goalWait);
    for (int i = 0; i < series.size(); i++) {
      series(out, f, i, series.get(i));
    }
    out.append("</svg>\n");
    return out.toString();
  }

  /**
   * The plot area: costs {@code x0..x1} across {@code plotW} pixels, waits {@code 0..maxWait} up
   * {@code plotH}.
   */
  private record Frame(double x0, double x1, int plotW, int plotH, double maxWait) {}

  /** The plot's frame, the axes' six ticks each and their titles. */
  private static void axes(StringBuilder out, Frame f) {
    double x0 = f.x0();
    double x1 = f.x1();
    int plotW = f.plotW();
    int plotH = f.plotH();
    double maxWait = f.maxWait();
    out.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
            LEFT,
            TOP,
            plotW,
            plotH));
    for (int i = 0; i <= 5; i++) {
      double c = x0 + (x1 - x0) * i / 5;
      double x = LEFT + plotW * i / 5.0;
      out.append(text(x, TOP + plotH + 18, String.format(Locale.ROOT, "%,.0f", c), "middle", 11));
      double w = maxWait * i / 5;
      double y = TOP + plotH - plotH * i / 5.0;
      out.append(text(LEFT - 8, y + 4, String.format(Locale.ROOT, "%.0f", w), "end", 11));
    }
    out.append(
        text(
            LEFT + plotW / 2.0,
            HEIGHT - 18,
            "cost-equivalent instance-hours (suspended hours priced in)",
            "middle",
            12));
    out.append(
        String.format(
            Locale.ROOT,
            "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">mean"
                + " wait (s)</text>%n",
            TOP + plotH / 2,
            TOP + plotH / 2));
  }

  /** The dashed guides at the cost budget and the wait goal, labelled. */
  private static void guides(StringBuilder out, Frame f, double budgetCost, double goalWait) {
    double x0 = f.x0();
    double x1 = f.x1();
    int plotW = f.plotW();
    int plotH = f.plotH();
    double maxWait = f.maxWait();
    double bx = LEFT + plotW * (budgetCost - x0) / (x1 - x0);
    double gy = TOP + plotH - plotH * goalWait / maxWait;
    out.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\" stroke-dasharray=\"4"
                + " 4\"/>%n",
            bx,
            TOP,
            bx,
            TOP + plotH));
    out.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#888\" stroke-dasharray=\"4"
                + " 4\"/>%n",
            LEFT,
            gy,
            LEFT + plotW,
            gy));
    out.append(text(bx + 4, TOP + 14, "budget", "start", 11));
    out.append(text(LEFT + plotW - 4, gy - 4, "goal " + fmt(goalWait) + " s", "end", 11));
  }

  /** Series number {@code i}: a dot per point, the line through them, its legend entry. */
  private static void series(StringBuilder out, Frame f, int i, Series s) {
    double x0 = f.x0();
    double x1 = f.x1();
    int plotW = f.plotW();
    int plotH = f.plotH();
    double maxWait = f.maxWait();
    String colour = COLOURS.get(i % COLOURS.size());
    StringBuilder path = new StringBuilder();
    for (Point p : s.points()) {
      double x = LEFT + plotW * (p.cost() - x0) / (x1 - x0);
      double y = TOP + plotH - plotH * Math.min(p.meanWait(), maxWait) / maxWait;
      path.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      out.append(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s: %,.0f h, %.2f"
                  + " s</title></circle>%n",
              x,
              y,
              colour,
              escape(p.label()),
              p.cost(),
              p.meanWait()));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>%n",
            path.toString().strip(),
            colour));
    int ly = TOP + 10 + i * 20;
    out.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>%n",
            WIDTH - RIGHT + 15,
            ly,
            WIDTH - RIGHT + 35,
            ly,
            colour));
    out.append(text(WIDTH - RIGHT + 40, ly + 4, s.name(), "start", 11));
  }

  private static String text(double x, double y, String s, String anchor, int size) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
        x,
        y,
        anchor,
        size,
        escape(s));
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.0f", v);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
