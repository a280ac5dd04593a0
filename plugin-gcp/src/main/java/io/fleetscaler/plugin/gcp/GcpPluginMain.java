package io.fleetscaler.plugin.gcp;

import io.fleetscaler.plugin.sdk.PluginServer;

/**
 * The Google Cloud provider as an executable plugin ({@code fleeting-plugin-googlecloud}, also
 * installed as GitLab's older name {@code fleeting-plugin-googlecompute}): serves a {@link
 * GcpInstanceGroup} through {@link PluginServer}, configured by the {@code plugin_config} the host
 * sends to {@code Init}. Credentials come from {@code credentials_file} or from application default
 * credentials ({@code GOOGLE_APPLICATION_CREDENTIALS}, gcloud's, or the metadata server).
 */
public final class GcpPluginMain {

  /** The name the plugin logs under. */
  public static final String PLUGIN_NAME = "googlecloud";

  private GcpPluginMain() {}

  /**
   * Serves until the host stops the plugin, then exits the JVM. With {@code --version} it prints
   * the version and returns instead.
   */
  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("--version")) {
      System.out.println(PLUGIN_NAME + " " + GcpInstanceGroup.VERSION);
      return;
    }
    if (args.length != 0) {
      System.err.println("usage: " + PLUGIN_NAME + " [--version] (started by a plugin host)");
      System.exit(2);
    }
    PluginServer.serve(new GcpInstanceGroup(), PLUGIN_NAME, GcpInstanceGroup.VERSION);
  }
}
