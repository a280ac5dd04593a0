package io.fleetscaler.plugin.sdk;

import java.time.Clock;

/** Launches plugin executables as supervised subprocesses. */
public final class PluginProcess {
  private PluginProcess() {}

  /**
   * Starts the plugin, checks its handshake, connects with mutual TLS and health-checks it, then
   * supervises it: after a crash it is restarted with exponential backoff and re-initialised with
   * the arguments of the last successful {@code init}.
   *
   * @throws PluginLaunchException if the first start fails (the message says why, with the end of
   *     the plugin's stderr)
   */
  public static PluginClient launch(PluginLaunchSpec spec) {
    return SupervisedPluginClient.start(spec, new PluginLauncher(Clock.systemUTC()));
  }
}
