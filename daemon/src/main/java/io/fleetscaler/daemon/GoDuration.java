package io.fleetscaler.daemon;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written the way gitlab-runner's configuration writes them: one or more number-and-unit
 * pairs such as {@code 30s}, {@code 1m30s}, {@code 500ms}, {@code 2h}. Units: ns, us, ms, s, m, h.
 * Numbers are whole.
 */
final class GoDuration {
  private static final Pattern PART = Pattern.compile("(\\d+)(ns|us|ms|s|m|h)");

  private GoDuration() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the text and the accepted form
   */
  static Duration parse(String text) {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(text);
    Duration total = Duration.ZERO;
    int at = 0;
    while (at < text.length() && m.find(at) && m.start() == at) {
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ns" -> Duration.ofNanos(n);
                case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1_000L));
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> throw new AssertionError(m.group(2));
              });
      at = m.end();
    }
    if (text.isEmpty() || at != text.length()) {
      throw new IllegalArgumentException(
          "invalid duration '" + text + "' (expected e.g. 30s, 1m30s, 500ms, 2h)");
    }
    return total;
  }
}
