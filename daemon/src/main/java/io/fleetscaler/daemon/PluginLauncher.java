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
import java.util.Optional;

/**
 * Starts a group's plugin. A built-in provider runs as a child JVM on the daemon's own class path
 * (a crash or leak in it cannot take the daemon down, and it is supervised like any plugin), or,
 * when asked, inside the daemon through gRPC's in-process transport; an executable runs as a
 * supervised go-plugin subprocess. The Google Cloud provider ships in its own {@code lib/gcp} (see
 * {@link SeparateLibPlugin}), so its SDK loads only for a group that uses it.
 */
final class PluginLauncher {
  private PluginLauncher() {}

  static PluginClient open(PluginRef plugin, boolean inProcess) {
    return switch (plugin) {
      case PluginRef.BuiltIn b -> openBuiltIn(b.name(), inProcess);
      case PluginRef.Executable e ->
          PluginProcess.launch(PluginLaunchSpec.of(e.name(), List.of(e.path().toString())));
    };
  }

  private static PluginClient openBuiltIn(String name, boolean inProcess) {
    Optional<SeparateLibPlugin> apart = separate(name);
    if (apart.isPresent()) {
      return inProcess
          ? PluginClient.inProcess(apart.get().newGroup(), name)
          : PluginProcess.launch(
              apart.get().launchSpec(name, PluginJvmOptions.flags(System.getenv())));
    }
    return inProcess
        ? PluginClient.inProcess(inProcessGroup(name), name)
        : PluginProcess.launch(
            PluginLaunchSpec.javaMain(
                name, mainClass(name), PluginJvmOptions.flags(System.getenv())));
  }

  /** The provider shipped in its own lib directory under {@code name}, if it is one. */
  private static Optional<SeparateLibPlugin> separate(String name) {
    return switch (name) {
      case "gcp", "googlecloud", "googlecompute" -> Optional.of(SeparateLibPlugin.GCP);
      default -> Optional.empty();
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
