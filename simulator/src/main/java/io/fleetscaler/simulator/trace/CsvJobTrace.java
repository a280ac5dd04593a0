package io.fleetscaler.simulator.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/** The {@code arrival_seconds,duration_seconds} reader behind {@link JobTrace}. */
final class CsvJobTrace implements JobTrace {
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

  private final String source;
  private final BufferedReader reader;
  private long line;
  private long lastArrival;
  private boolean started;

  CsvJobTrace(String source, BufferedReader reader) {
    this.source = source;
    this.reader = reader;
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public @Nullable TraceJob next() throws IOException {
    String text;
    while ((text = reader.readLine()) != null) {
      line++;
      String trimmed = text.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      if (!started && trimmed.equals(HEADER)) {
        started = true;
        continue;
      }
      started = true;
      return parse(trimmed);
    }
    return null;
  }

  private TraceJob parse(String text) throws TraceException {
    int comma = text.indexOf(',');
    if (comma < 0 || text.indexOf(',', comma + 1) >= 0) {
      throw error("expected '" + HEADER + "', got '" + text + "'");
    }
    long arrival = millis("arrival_seconds", text.substring(0, comma).strip());
    long duration = millis("duration_seconds", text.substring(comma + 1).strip());
    if (arrival < lastArrival) {
      throw error(
          "arrival_seconds "
              + seconds(arrival)
              + " is before the previous job's "
              + seconds(lastArrival)
              + ": a trace must be sorted by arrival");
    }
    lastArrival = arrival;
    return new TraceJob(line, arrival, duration);
  }

  /** Parses non-negative decimal seconds to milliseconds. */
  private long millis(String field, String value) throws TraceException {
    if (!value.isEmpty() && value.length() <= 12 && allDigits(value)) {
      return Long.parseLong(value) * 1000; // the common case, without BigDecimal
    }
    BigDecimal seconds;
    try {
      seconds = new BigDecimal(value);
    } catch (NumberFormatException e) {
      throw error(field + " must be a number of seconds, got '" + value + "'");
    }
    if (seconds.signum() < 0) {
      throw error(field + " must be >= 0, got " + value);
    }
    try {
      return seconds.multiply(THOUSAND).longValueExact();
    } catch (ArithmeticException e) {
      throw error(field + " must be whole milliseconds below 2^63, got " + value);
    }
  }

  private static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static String seconds(long millis) {
    return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
  }

  private TraceException error(String problem) {
    return new TraceException(source, line, problem);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
