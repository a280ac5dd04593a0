package io.fleetscaler.simulator.trace;

import java.io.IOException;

/** A trace line that is not a job: the message names the source, the line and what is wrong. */
public final class TraceException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final long line;

  public TraceException(String source, long line, String problem) {
    super(source + ":" + line + ": " + problem);
    this.source = source;
    this.line = line;
  }

  /** The trace's name, usually its file. */
  public String source() {
    return source;
  }

  /** The offending line, from 1. */
  public long line() {
    return line;
  }
}
