package io.fleetscaler.plugin.simulated.wire;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.plugin.simulated.SimulatedOptions;
import io.fleetscaler.plugin.tck.InstanceGroupConformanceKit;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The simulated provider behind {@link PluginClient#inProcess}: every call crosses gRPC's
 * in-process transport, and time is still a manual clock.
 */
class InProcessWireConformanceTest extends InstanceGroupConformanceKit {
  private final ManualClock clock = new ManualClock();
  private final IdentityHashMap<InstanceGroup, SimulatedInstanceGroup> behind =
      new IdentityHashMap<>();

  @Override
  protected InstanceGroup newGroup() {
    var group = new SimulatedInstanceGroup(clock);
    PluginClient client = PluginClient.inProcess(group, "simulated-in-process");
    behind.put(client, group);
    return client;
  }

  @Override
  protected String validConfig() {
    return SimulatedOptions.defaults()
        .withMaxSize(5)
        .withCreateLatency(SimulatedOptions.Latency.fixed(Duration.ofSeconds(20)))
        .withSuspendResume(true)
        .toJson();
  }

  @Override
  protected List<String> invalidConfigs() {
    return List.of("{\"no_such_key\":1}", "{\"max_size\":0}", "[1,2]", "{\"max_size\":");
  }

  @Override
  protected void letTimePass(Duration duration) {
    clock.advance(duration);
  }

  @Override
  protected Optional<List<InstanceStatus>> instancesAfterShutdown(InstanceGroup shutDown) {
    return Optional.of(
        Objects.requireNonNull(behind.get(shutDown), "a group this test made").snapshot());
  }

  @Override
  protected void release(InstanceGroup group) {
    ((PluginClient) group).close();
    behind.remove(group);
  }
}
