package io.fleetscaler.core.connector;

import java.util.Objects;

/**
 * How a command ended on an instance.
 *
 * @param exitStatus the command's exit status; -1 when it was ended by a signal
 * @param output the start of what it wrote to stdout and stderr (at most {@link #MAX_OUTPUT}
 *     characters), for logs and error messages
 */
public record CommandResult(int exitStatus, String output) {
  /** How much output is kept. */
  public static final int MAX_OUTPUT = 2048;

  public CommandResult {
    Objects.requireNonNull(output, "output");
  }

  /** Whether the command exited with status 0. */
  public boolean succeeded() {
    return exitStatus == 0;
  }
}
