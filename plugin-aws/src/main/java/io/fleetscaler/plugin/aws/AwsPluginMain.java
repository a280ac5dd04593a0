package io.fleetscaler.plugin.aws;

import io.fleetscaler.plugin.sdk.PluginServer;

/**
 * The AWS provider as an executable plugin: serves an {@link AwsInstanceGroup} through {@link
 * PluginServer}, configured by the {@code plugin_config} the host sends to {@code Init}.
 * Credentials and region come from that configuration or from the process environment ({@code
 * AWS_REGION}, {@code AWS_ACCESS_KEY_ID}, {@code AWS_PROFILE}, instance metadata), as in the AWS
 * CLI.
 */
public final class AwsPluginMain {

  /** The name the plugin logs under. */
  public static final String PLUGIN_NAME = "aws";

  private AwsPluginMain() {}

  /**
   * Serves until the host stops the plugin, then exits the JVM. With {@code --version} it prints
   * the version and returns instead.
   */
  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("--version")) {
      System.out.println(PLUGIN_NAME + " " + AwsInstanceGroup.VERSION);
      return;
    }
    if (args.length != 0) {
      System.err.println("usage: " + PLUGIN_NAME + " [--version] (started by a plugin host)");
      System.exit(2);
    }
    PluginServer.serve(new AwsInstanceGroup(), PLUGIN_NAME, AwsInstanceGroup.VERSION);
  }
}
