package io.fleetscaler.plugin.sdk;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Kills a plugin together with everything it started, so that no orphan keeps scaling a group.
 *
 * <p>Plugins are started under {@code setsid} where it exists, which makes the plugin the leader of
 * its own process group; killing that group reaches children even after they were reparented.
 * Descendants seen through {@link ProcessHandle#descendants()} are killed as well, for children
 * that left the group. A JVM shutdown hook kills every plugin tree still alive. Thread-safe.
 */
final class ProcessTree {
  private static final System.Logger LOG = System.getLogger(ProcessTree.class.getName());
  private static final Optional<Path> SETSID =
      Stream.of("/usr/bin/setsid", "/bin/setsid")
          .map(Path::of)
          .filter(Files::isExecutable)
          .findFirst();
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  /**
   * How long the JVM shutdown hook lets plugins still alive exit before it kills them. Shutdown
   * hooks run concurrently: a host that stops its scaler in its own hook (telling the plugin to
   * shut down, waiting for scale-in) must not have the plugin killed under it. A host that exits
   * without closing its plugins delays JVM exit by at most this much. Raised by {@link
   * #exitGraceAtLeast} when the host's own shutdown may take longer.
   */
  static final Duration EXIT_HOOK_GRACE = Duration.ofSeconds(10);

  private static volatile Duration exitHookGrace = EXIT_HOOK_GRACE;

  /** Raises the exit hook's grace to {@code grace} if it is shorter. */
  static synchronized void exitGraceAtLeast(Duration grace) {
    if (grace.compareTo(exitHookGrace) > 0) {
      exitHookGrace = grace;
    }
  }

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform().name("plugin-tree-killer").unstarted(ProcessTree::killAtExit));
  }

  private static void killAtExit() {
    long deadline = System.nanoTime() + exitHookGrace.toNanos();
    for (Process process : List.copyOf(LIVE)) {
      try {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          process.waitFor(left, TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      kill(process, List.of());
    }
  }

  private ProcessTree() {}

  /** The command line that starts {@code command} as the leader of a new process group. */
  static List<String> groupLeaderCommand(List<String> command) {
    if (SETSID.isEmpty()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(command.size() + 1);
    wrapped.add(SETSID.get().toString());
    wrapped.addAll(command);
    return wrapped;
  }

  /** Remembers a started plugin for the shutdown hook. */
  static void register(Process process) {
    LIVE.add(process);
  }

  /**
   * Kills {@code process}, its process group, its current descendants and those in {@code seen}
   * (descendants noted earlier, before the process could exit and orphan them). Idempotent.
   */
  static void kill(Process process, List<ProcessHandle> seen) {
    List<ProcessHandle> victims = new ArrayList<>(seen);
    process.descendants().forEach(victims::add);
    if (SETSID.isPresent()) {
      killGroup(process.pid());
    }
    process.destroyForcibly();
    victims.forEach(ProcessHandle::destroyForcibly);
    LIVE.remove(process);
  }

  private static void killGroup(long leader) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-KILL", "--", "-" + leader)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!kill.waitFor(5, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot kill process group " + leader, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
