package io.fleetscaler.plugin.statichosts;

import io.fleetscaler.plugin.sdk.PluginServer;

/**
 * The static hosts provider as an executable plugin: serves a {@link StaticInstanceGroup} through
 * {@link PluginServer}, configured by the {@code plugin_config} the host sends to {@code Init}.
 */
public final class StaticPluginMain {

  /** The name the plugin logs under. */
  public static final String PLUGIN_NAME = "static";

  private StaticPluginMain() {}

  /**
   * Serves until the host stops the plugin, then exits the JVM. With {@code --version} it prints
   * the version and returns instead.
   */
  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("--version")) {
      System.out.println(PLUGIN_NAME + " " + StaticInstanceGroup.VERSION);
      return;
    }
    if (args.length != 0) {
      System.err.println("usage: " + PLUGIN_NAME + " [--version] (started by a plugin host)");
      System.exit(2);
    }
    PluginServer.serve(new StaticInstanceGroup(), PLUGIN_NAME, StaticInstanceGroup.VERSION);
  }
}
