package io.fleetscaler.plugin.sdk;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One running plugin process and the host's connection to it. Stopping is idempotent and always
 * ends with the whole process tree killed.
 */
final class LaunchedPlugin {
  private final Process process;
  private final PluginChannel channel;
  private final SocketDir socketDir;

  LaunchedPlugin(Process process, PluginChannel channel, SocketDir socketDir) {
    this.process = process;
    this.channel = channel;
    this.socketDir = socketDir;
  }

  Process process() {
    return process;
  }

  RemoteInstanceGroup group() {
    return channel.group();
  }

  /**
   * Asks the plugin to stop, waits up to {@code grace} for it to exit, then kills its process group
   * and every descendant, and closes the connection.
   */
  void stop(Duration grace) {
    List<ProcessHandle> tree = process.descendants().toList();
    if (process.isAlive()) {
      channel.requestShutdown(grace);
      try {
        var unused = process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    kill(tree);
  }

  /** Kills the process tree now (after a crash: children the plugin left behind). */
  void kill(List<ProcessHandle> seen) {
    ProcessTree.kill(process, seen);
    channel.close();
    // A killed plugin cannot remove its socket: the host does, with the directory it made for it.
    socketDir.delete();
  }

  String exitDescription() {
    return process.isAlive() ? "still running" : "exited with status " + process.exitValue();
  }
}
