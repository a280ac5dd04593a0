package io.fleetscaler.simulator.trace;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A stream of jobs read one line at a time, so memory does not grow with the trace.
 *
 * <p>Format: one job a line, {@code arrival_seconds,duration_seconds}, each a non-negative decimal
 * number of seconds with at most millisecond precision, sorted by arrival. An optional first line
 * {@code arrival_seconds,duration_seconds} is a header; blank lines and lines starting with {@code
 * #} are skipped. The first line that breaks these rules fails {@link #next()} with a {@link
 * TraceException} naming its line number. Not thread-safe.
 */
public interface JobTrace extends Closeable {

  /** The header line a trace may start with. */
  String HEADER = "arrival_seconds,duration_seconds";

  /** Opens {@code file} (UTF-8); the trace's source is the file's path. */
  static JobTrace open(Path file) throws IOException {
    return new CsvJobTrace(file.toString(), Files.newBufferedReader(file, StandardCharsets.UTF_8));
  }

  /** Reads a trace from {@code reader}, naming it {@code source} in errors. */
  static JobTrace read(String source, Reader reader) {
    return new CsvJobTrace(
        source, reader instanceof BufferedReader b ? b : new BufferedReader(reader));
  }

  /** The trace's name, used in error messages. */
  String source();

  /**
   * The next job, or null at the end of the trace.
   *
   * @throws TraceException naming the line if it is not a job or arrives before the one before
   */
  @Nullable TraceJob next() throws IOException;
}
