package io.fleetscaler.plugin.simulated.wire;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.fleetscaler.plugin.sdk.PluginLaunchSpec;
import io.fleetscaler.plugin.sdk.PluginProcess;
import io.fleetscaler.plugin.simulated.SimulatedOptions;
import io.fleetscaler.plugin.simulated.SimulatedPluginMain;
import io.fleetscaler.plugin.tck.InstanceGroupConformanceKit;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The simulated provider as a real plugin process ({@link SimulatedPluginMain} in a fresh JVM),
 * launched, handshaken and supervised by {@link PluginProcess}. The process runs on the system
 * clock, so the group has no latencies and the kit's polls wait briefly.
 */
class SubprocessWireConformanceTest extends InstanceGroupConformanceKit {

  @Override
  protected InstanceGroup newGroup() {
    return PluginProcess.launch(
        PluginLaunchSpec.javaMain(
            "simulated", SimulatedPluginMain.class, List.of("-XX:TieredStopAtLevel=1")));
  }

  @Override
  protected String validConfig() {
    return SimulatedOptions.defaults()
        .withMaxSize(4)
        .withNoLatency()
        .withSuspendResume(true)
        .toJson();
  }

  @Override
  protected List<String> invalidConfigs() {
    return List.of("{\"no_such_key\":1}", "{\"max_size\":\"ten\"}", "[1,2]");
  }

  @Override
  protected Duration pollStep() {
    return Duration.ofMillis(20);
  }

  @Override
  protected void letTimePass(Duration duration) throws InterruptedException {
    // The plugin's cloud runs on its own system clock; waiting is the only way to let it move.
    Thread.sleep(duration.toMillis());
  }

  @Override
  protected Optional<List<InstanceStatus>> instancesAfterShutdown(InstanceGroup shutDown) {
    // The simulated cloud lives inside the plugin process, out of the test's reach.
    return Optional.empty();
  }

  @Override
  protected void release(InstanceGroup group) {
    ((PluginClient) group).close();
  }
}
