package io.fleetscaler.plugin.statichosts;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.sdk.PluginClient;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The static group behind {@link PluginClient#inProcess}: every call crosses gRPC's in-process
 * transport, against real sshd hosts.
 */
class StaticInProcessWireConformanceIT extends RealHostsConformanceKit {
  private final IdentityHashMap<InstanceGroup, StaticInstanceGroup> behind =
      new IdentityHashMap<>();

  @Override
  protected InstanceGroup newGroup() {
    var group = new StaticInstanceGroup();
    PluginClient client = PluginClient.inProcess(group, "static-in-process");
    behind.put(client, group);
    return client;
  }

  @Override
  protected Optional<List<InstanceStatus>> instancesAfterShutdown(InstanceGroup shutDown) {
    return Optional.of(
        Objects.requireNonNull(behind.get(shutDown), "a group this test made").update());
  }

  @Override
  protected void release(InstanceGroup group) {
    ((PluginClient) group).close();
    behind.remove(group);
  }
}
