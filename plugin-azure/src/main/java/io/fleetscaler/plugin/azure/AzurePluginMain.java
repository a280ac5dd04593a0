package io.fleetscaler.plugin.azure;

import io.fleetscaler.plugin.sdk.PluginServer;

/**
 * The Azure provider as an executable plugin: serves an {@link AzureInstanceGroup} through {@link
 * PluginServer}, configured by the {@code plugin_config} the host sends to {@code Init}.
 * Credentials come from that configuration or from the SDK's default chain in the process
 * environment ({@code AZURE_CLIENT_ID}, {@code AZURE_TENANT_ID}, {@code AZURE_CLIENT_SECRET},
 * workload or managed identity, the Azure CLI).
 */
public final class AzurePluginMain {

  /** The name the plugin logs under. */
  public static final String PLUGIN_NAME = "azure";

  private AzurePluginMain() {}

  /**
   * Serves until the host stops the plugin, then exits the JVM. With {@code --version} it prints
   * the version and returns instead.
   */
  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("--version")) {
      System.out.println(PLUGIN_NAME + " " + AzureInstanceGroup.VERSION);
      return;
    }
    if (args.length != 0) {
      System.err.println("usage: " + PLUGIN_NAME + " [--version] (started by a plugin host)");
      System.exit(2);
    }
    PluginServer.serve(new AzureInstanceGroup(), PLUGIN_NAME, AzureInstanceGroup.VERSION);
  }
}
