package io.fleetscaler.plugin.sdk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Relays a plugin's stderr into the host's log under {@code plugin.<name>}: hclog JSON lines at
 * their own level with their fields, anything else as-is at INFO. Keeps the last lines so that a
 * launch error can quote them. The relay thread ends when the stream does.
 */
final class StderrRelay {
  private static final int TAIL_LINES = 20;

  private final Deque<String> tail = new ArrayDeque<>();
  private final Thread thread;

  private StderrRelay(InputStream stderr, System.Logger log, String pluginName) {
    this.thread =
        Thread.ofPlatform()
            .name("plugin-" + pluginName + "-stderr")
            .daemon(true)
            .unstarted(() -> pump(stderr, log, pluginName));
  }

  static StderrRelay start(InputStream stderr, String pluginName) {
    var relay = new StderrRelay(stderr, System.getLogger("plugin." + pluginName), pluginName);
    relay.thread.start();
    return relay;
  }

  /**
   * A text log line as java.util.logging writes it in a plugin JVM ({@code 2026-12-06 01:02:03.456
   * INFO logger - message}, the daemon's own format): its time and level are the host's to print.
   */
  private static final Pattern TEXT_LINE =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?\\S* +"
              + "(SEVERE|ERROR|WARNING|WARN|INFO|CONFIG|FINE|FINER|FINEST|DEBUG|TRACE) +(.*)");

  /** A relayed line without the time and level the host's own log line carries already. */
  static void relay(System.Logger log, String pluginName, String line) {
    var hclog = HclogLine.parse(line);
    if (hclog.isPresent()) {
      HclogLine entry = hclog.get();
      String text = entry.render();
      // The host logs under plugin.<name>: a module of that name says it a second time.
      String ownModule = "[" + pluginName + "] ";
      log.log(
          entry.level(), text.startsWith(ownModule) ? text.substring(ownModule.length()) : text);
      return;
    }
    Matcher m = TEXT_LINE.matcher(line);
    if (m.matches()) {
      log.log(level(m.group(1)), m.group(2));
    } else {
      log.log(Level.INFO, line);
    }
  }

  private static Level level(String name) {
    return switch (name) {
      case "SEVERE", "ERROR" -> Level.ERROR;
      case "WARNING", "WARN" -> Level.WARNING;
      case "INFO" -> Level.INFO;
      case "CONFIG", "FINE", "DEBUG" -> Level.DEBUG;
      default -> Level.TRACE;
    };
  }

  private void pump(InputStream stderr, System.Logger log, String pluginName) {
    try (var reader = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        remember(line);
        relay(log, pluginName, line);
      }
    } catch (IOException e) {
      // The process is gone and took the pipe with it; there is nothing more to relay.
    }
  }

  private synchronized void remember(String line) {
    if (tail.size() == TAIL_LINES) {
      tail.removeFirst();
    }
    tail.addLast(line);
  }

  /**
   * The last lines read, joined, after waiting up to {@code waitMillis} for the stream to end (so a
   * process that just exited has had its last words read).
   */
  String tail(long waitMillis) {
    try {
      thread.join(waitMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      return String.join("\n", tail);
    }
  }
}
