package io.fleetscaler.plugin.simulated.wire;

import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.sdk.PluginServer;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.plugin.simulated.SimulatedPluginMain;
import io.fleetscaler.plugin.tck.FileMirroredGroup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulated provider as a plugin process whose cloud outlives it: it serves a {@link
 * SimulatedInstanceGroup} on the system clock exactly as {@link SimulatedPluginMain} does, and
 * after every call writes what the cloud holds ({@link SimulatedInstanceGroup#snapshot}) to a file
 * ({@link FileMirroredGroup}: a line {@code after <call>}, then one line {@code <id> <STATE>} per
 * instance). A test reads there what the plugin left in its cloud once the process is gone: after
 * {@code Shutdown}, say.
 *
 * <p>Run as {@code FileMirroredSimulatedPlugin <file>} by a plugin host (go-plugin handshake on
 * stdout).
 */
public final class FileMirroredSimulatedPlugin {
  private FileMirroredSimulatedPlugin() {}

  public static void main(String[] args) {
    SimulatedInstanceGroup cloud = SimulatedInstanceGroup.withSystemClock();
    PluginServer.serve(
        new FileMirroredGroup(
            cloud,
            Path.of(args[0]),
            () -> cloud.snapshot().stream().map(s -> s.id() + " " + s.state().name()).toList()),
        SimulatedPluginMain.PLUGIN_NAME,
        SimulatedInstanceGroup.VERSION);
  }

  /** The instances of a mirror's lines ({@code <id> <STATE>} each). */
  static List<InstanceStatus> instances(FileMirroredGroup.Mirror mirror) {
    List<InstanceStatus> instances = new ArrayList<>();
    for (String line : mirror.held()) {
      String[] f = line.split(" ", -1);
      instances.add(new InstanceStatus(f[0], InstanceState.valueOf(f[1])));
    }
    return instances;
  }
}
