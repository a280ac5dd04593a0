package io.fleetscaler.plugin.statichosts;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.fleetscaler.plugin.sdk.PluginLaunchSpec;
import io.fleetscaler.plugin.sdk.PluginProcess;
import java.util.List;
import java.util.Optional;

/**
 * The static group as a real plugin process ({@link StaticPluginMain} in a fresh JVM), launched,
 * handshaken and supervised by {@link PluginProcess}, against real sshd hosts.
 */
class StaticSubprocessConformanceIT extends RealHostsConformanceKit {

  @Override
  protected InstanceGroup newGroup() {
    return PluginProcess.launch(
        PluginLaunchSpec.javaMain(
            StaticPluginMain.PLUGIN_NAME,
            StaticPluginMain.class,
            List.of("-XX:TieredStopAtLevel=1")));
  }

  @Override
  protected Optional<List<InstanceStatus>> instancesAfterShutdown(InstanceGroup shutDown) {
    // Which hosts are in use lives inside the plugin process, which shutdown ended.
    return Optional.empty();
  }

  @Override
  protected void release(InstanceGroup group) {
    ((PluginClient) group).close();
  }
}
