package io.fleetscaler.plugin.simulated.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.fleetscaler.plugin.sdk.PluginLaunchSpec;
import io.fleetscaler.plugin.sdk.PluginProcess;
import io.fleetscaler.plugin.simulated.SimulatedOptions;
import io.fleetscaler.plugin.simulated.SimulatedPluginMain;
import io.fleetscaler.plugin.tck.FileMirroredGroup;
import io.fleetscaler.plugin.tck.InstanceGroupConformanceKit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated provider as a real plugin process (the {@link SimulatedPluginMain} group in a fresh
 * JVM), launched, handshaken and supervised by {@link PluginProcess}. The process runs on the
 * system clock, so the group has no latencies and the kit's polls wait briefly. Each process
 * mirrors its cloud to a file ({@link FileMirroredSimulatedPlugin}), so what it left after {@code
 * Shutdown} is still there to check once the process is gone.
 */
class SubprocessWireConformanceTest extends InstanceGroupConformanceKit {
  @TempDir Path dir;
  private final IdentityHashMap<InstanceGroup, Path> clouds = new IdentityHashMap<>();

  @Override
  protected InstanceGroup newGroup() {
    Path cloud = dir.resolve("cloud-" + clouds.size());
    List<String> command =
        new ArrayList<>(
            PluginLaunchSpec.javaMain(
                    "simulated",
                    FileMirroredSimulatedPlugin.class,
                    List.of("-XX:TieredStopAtLevel=1"))
                .command());
    command.add(cloud.toString());
    InstanceGroup group = PluginProcess.launch(PluginLaunchSpec.of("simulated", command));
    clouds.put(group, cloud);
    return group;
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
    // The process ends first: what it left in its cloud is what the file says, and the file must
    // be as of after Shutdown, or the check would look at the cloud before it.
    release(shutDown);
    FileMirroredGroup.Mirror left;
    try {
      left =
          FileMirroredGroup.Mirror.read(
              Objects.requireNonNull(clouds.get(shutDown), "a group of this test"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(left.lastCall()).as("the last call the plugin answered").isEqualTo("shutdown");
    return Optional.of(FileMirroredSimulatedPlugin.instances(left));
  }

  @Override
  protected void release(InstanceGroup group) {
    ((PluginClient) group).close();
  }
}
