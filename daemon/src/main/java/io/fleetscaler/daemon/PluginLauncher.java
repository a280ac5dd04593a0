package io.fleetscaler.daemon;

import io.fleetscaler.daemon.config.PluginRef;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.aws.AwsInstanceGroup;
import io.fleetscaler.plugin.aws.AwsPluginMain;
import io.fleetscaler.plugin.azure.AzureInstanceGroup;
import io.fleetscaler.plugin.azure.AzurePluginMain;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.fleetscaler.plugin.sdk.PluginLaunchSpec;
import io.fleetscaler.plugin.sdk.PluginProcess;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.plugin.simulated.SimulatedPluginMain;
import io.fleetscaler.plugin.statichosts.StaticInstanceGroup;
import io.fleetscaler.plugin.statichosts.StaticPluginMain;
import java.util.List;

/**
 * Starts a group's plugin. A built-in provider runs as a child JVM on the daemon's own class path
 * (a crash or leak in it cannot take the daemon down, and it is supervised like any plugin), or,
 * when asked, inside the daemon through gRPC's in-process transport; an executable runs as a
 * supervised go-plugin subprocess.
 */
final class PluginLauncher {
  private PluginLauncher() {}

  static PluginClient open(PluginRef plugin, boolean inProcess) {
    return switch (plugin) {
      case PluginRef.BuiltIn b ->
          inProcess
              ? PluginClient.inProcess(inProcessGroup(b.name()), b.name())
              : PluginProcess.launch(
                  PluginLaunchSpec.javaMain(b.name(), mainClass(b.name()), Main.childJvmFlags()));
      case PluginRef.Executable e ->
          PluginProcess.launch(PluginLaunchSpec.of(e.name(), List.of(e.path().toString())));
    };
  }

  private static InstanceGroup inProcessGroup(String name) {
    return switch (name) {
      case "simulated" -> SimulatedInstanceGroup.withSystemClock();
      case "static" -> new StaticInstanceGroup();
      case "aws" -> new AwsInstanceGroup();
      case "azure" -> new AzureInstanceGroup();
      default -> throw new IllegalArgumentException("no built-in plugin " + name);
    };
  }

  private static Class<?> mainClass(String name) {
    return switch (name) {
      case "simulated" -> SimulatedPluginMain.class;
      case "static" -> StaticPluginMain.class;
      case "aws" -> AwsPluginMain.class;
      case "azure" -> AzurePluginMain.class;
      default -> throw new IllegalArgumentException("no built-in plugin " + name);
    };
  }
}
