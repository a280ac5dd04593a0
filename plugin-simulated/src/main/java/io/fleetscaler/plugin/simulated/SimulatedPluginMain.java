package io.fleetscaler.plugin.simulated;

import io.fleetscaler.plugin.sdk.PluginServer;

/**
 * The simulated provider as an executable plugin: serves a {@link SimulatedInstanceGroup} on the
 * system clock through {@link PluginServer}, configured by the {@code plugin_config} the host sends
 * to {@code Init} (see {@link SimulatedOptions}). Its cloud lives in this process, so it starts
 * empty and ends with the process.
 */
public final class SimulatedPluginMain {

  /** The name the plugin logs under. */
  public static final String PLUGIN_NAME = "simulated";

  private SimulatedPluginMain() {}

  /**
   * Serves until the host stops the plugin, then exits the JVM. With {@code --version} it prints
   * the version and returns instead.
   */
  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("--version")) {
      System.out.println(PLUGIN_NAME + " " + SimulatedInstanceGroup.VERSION);
      return;
    }
    if (args.length != 0) {
      System.err.println("usage: " + PLUGIN_NAME + " [--version] (started by a plugin host)");
      System.exit(2);
    }
    PluginServer.serve(
        SimulatedInstanceGroup.withSystemClock(), PLUGIN_NAME, SimulatedInstanceGroup.VERSION);
  }
}
