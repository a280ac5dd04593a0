package io.fleetscaler.plugin.sdk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

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
            .unstarted(() -> pump(stderr, log));
  }

  static StderrRelay start(InputStream stderr, String pluginName) {
    var relay = new StderrRelay(stderr, System.getLogger("plugin." + pluginName), pluginName);
    relay.thread.start();
    return relay;
  }

  private void pump(InputStream stderr, System.Logger log) {
    try (var reader = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        remember(line);
        String text = line;
        HclogLine.parse(line)
            .ifPresentOrElse(
                entry -> log.log(entry.level(), entry.render()), () -> log.log(Level.INFO, text));
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
