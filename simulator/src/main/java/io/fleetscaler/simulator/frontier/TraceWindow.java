package io.fleetscaler.simulator.frontier;

import io.fleetscaler.simulator.trace.JobTrace;
import io.fleetscaler.simulator.trace.TraceJob;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The jobs of a trace that arrive in {@code [fromMillis, toMillis)}, with arrivals shifted so the
 * window starts at 0. Reading stops at the first job past the window.
 */
final class TraceWindow implements JobTrace {
  private final JobTrace trace;
  private final long fromMillis;
  private final long toMillis;
  private boolean done;

  TraceWindow(JobTrace trace, long fromMillis, long toMillis) {
    if (fromMillis < 0 || toMillis <= fromMillis) {
      throw new IllegalArgumentException(
          "window must satisfy 0 <= from < to, got from=" + fromMillis + " to=" + toMillis);
    }
    this.trace = trace;
    this.fromMillis = fromMillis;
    this.toMillis = toMillis;
  }

  @Override
  public String source() {
    return trace.source() + "[" + fromMillis + "ms," + toMillis + "ms)";
  }

  @Override
  public @Nullable TraceJob next() throws IOException {
    while (!done) {
      TraceJob job = trace.next();
      if (job == null || job.arrivalMillis() >= toMillis) {
        done = true;
        return null;
      }
      if (job.arrivalMillis() >= fromMillis) {
        return new TraceJob(job.line(), job.arrivalMillis() - fromMillis, job.durationMillis());
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    trace.close();
  }
}
