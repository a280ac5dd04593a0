package io.fleetscaler.plugin.api;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written the Go way ({@code "30s"}, {@code "1m30s"}, {@code "250ms"}, {@code "0"}): the
 * form gitlab-runner's configuration and fleeting plugin configurations use, so an operator writes
 * the same values everywhere. Units: ns, us, ms, s, m, h; whole numbers only; no sign.
 */
public final class GoDuration {

  private static final Pattern PART = Pattern.compile("(\\d+)(ns|us|ms|s|m|h)");

  private GoDuration() {}

  /**
   * Parses a non-negative duration.
   *
   * @throws IllegalArgumentException naming the text when it is not a duration
   */
  public static Duration parse(String text) {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long amount;
      try {
        amount = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("duration out of range: '" + text + "'", e);
      }
      total = total.plus(unit(amount, m.group(2)));
      end = m.end();
    }
    if (end == 0 || end != text.length()) {
      throw new IllegalArgumentException(
          "not a duration: '" + text + "' (expected e.g. 30s, 1m30s, 250ms or 0)");
    }
    return total;
  }

  /** Formats {@code d} so that {@link #parse} gives it back exactly. */
  public static String format(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("negative duration: " + d);
    }
    if (d.toNanosPart() == 0) {
      return d.toSeconds() + "s";
    }
    if (d.toNanosPart() % 1_000_000 == 0) {
      return d.toMillis() + "ms";
    }
    return d.toNanos() + "ns";
  }

  private static Duration unit(long amount, String unit) {
    return switch (unit) {
      case "ns" -> Duration.ofNanos(amount);
      case "us" -> Duration.ofNanos(Math.multiplyExact(amount, 1_000L));
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> throw new IllegalArgumentException("unknown duration unit: " + unit);
    };
  }
}
