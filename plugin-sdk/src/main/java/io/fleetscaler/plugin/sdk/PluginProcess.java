package io.fleetscaler.plugin.sdk;

import java.time.Clock;

/** Launches plugin executables as supervised subprocesses. */
public final class PluginProcess {
  private PluginProcess() {}

  /**
   * Lets plugin processes outlive a JVM shutdown for up to {@code grace} (default 10 seconds)
   * before the SDK's exit hook kills them. Shutdown hooks run concurrently, so a host whose own
   * hook deletes instances on shutdown and polls until they are gone (up to {@code
   * shutdown_deletion_interval × shutdown_deletion_retries}) must raise it above that, or the
   * plugin is killed before scale-in is over and the instances leak. Only ever raises the grace.
   */
  public static void exitGraceAtLeast(java.time.Duration grace) {
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must be >= 0, got " + grace);
    }
    ProcessTree.exitGraceAtLeast(grace);
  }

  /**
   * Starts the plugin, checks its handshake, connects with mutual TLS and health-checks it, then
   * supervises it: after a crash it is restarted with exponential backoff and re-initialised with
   * the arguments of the last successful {@code init}. Pins this JVM's transport loggers first
   * ({@link TransportLogs#pin()}): the channel carries the connector's password in {@code Init} and
   * {@code ConnectInfo}, which no log level may show.
   *
   * @throws PluginLaunchException if the first start fails (the message says why, with the end of
   *     the plugin's stderr)
   */
  public static PluginClient launch(PluginLaunchSpec spec) {
    TransportLogs.pin();
    return SupervisedPluginClient.start(spec, new PluginLauncher(Clock.systemUTC()));
  }
}
