package io.fleetscaler.daemon.logging;

import io.fleetscaler.daemon.config.LogFormat;
import io.fleetscaler.plugin.sdk.TransportLogs;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Points the process's logging at stderr in one format. */
public interface LogOutput {

  /** One text line per record: time, level, logger, message (and a stack trace if any). */
  String TEXT_PATTERN = "%1$tF %1$tT.%1$tL %4$s %3$s - %5$s%6$s%n";

  /**
   * Replaces the root logger's handlers with one stderr handler writing {@code format}, at INFO.
   * Safe to call again (the last call wins).
   */
  static void install(LogFormat format) {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", TEXT_PATTERN);
    }
    Logger root = LogManager.getLogManager().getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
      h.close();
    }
    ConsoleHandler stderr = new ConsoleHandler(); // writes System.err
    stderr.setLevel(Level.ALL);
    stderr.setFormatter(formatter(format));
    root.addHandler(stderr);
    root.setLevel(Level.INFO);
    // sshj logs every connection and channel at INFO: one readiness check or connector heartbeat
    // made several lines. Its warnings and errors still show.
    Quiet.SSHJ.setLevel(Level.WARNING);
    // Frames (tokens, passwords in hex) never reach the log, whatever levels are set by name.
    TransportLogs.pin();
  }

  /** Loggers whose level is set here, held so that the setting is not collected with them. */
  final class Quiet {
    static final Logger SSHJ = Logger.getLogger("net.schmizz");

    private Quiet() {}
  }

  /** The formatter for {@code format}. */
  static Formatter formatter(LogFormat format) {
    return switch (format) {
      case TEXT -> new SimpleFormatter();
      case JSON -> new JsonLineFormatter();
    };
  }
}
