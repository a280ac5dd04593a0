package io.fleetscaler.daemon;

import io.fleetscaler.plugin.sdk.PluginServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code fleetscaler version}: the product version (from the build's {@code version.properties},
 * else the jar manifest), the plugin protocol and the API it speaks.
 */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = "Print the product version and the protocol versions it speaks.")
final class VersionCommand implements Callable<Integer> {

  @Spec
  @SuppressWarnings("NullAway.Init") // injected by picocli before call()
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.println("fleetscaler " + productVersion());
    out.println(
        "plugin protocol: fleetscaler.plugin.v1 (go-plugin protocol version "
            + PluginServer.PROTOCOL_VERSION
            + ")");
    out.println("api: fleetscaler.v1");
    out.println("java: " + Runtime.version());
    out.flush();
    return 0;
  }

  /** The version this build was made as, or {@code development build} when it cannot tell. */
  static String productVersion() {
    try (InputStream in = VersionCommand.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version", "");
        if (!v.isEmpty() && !v.startsWith("${")) {
          return v;
        }
      }
    } catch (IOException unreadable) {
      // fall through to the manifest
    }
    String v = VersionCommand.class.getPackage().getImplementationVersion();
    return v == null ? "development build" : v;
  }
}
