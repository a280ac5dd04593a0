package io.fleetscaler.plugin.statichosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.fleetscaler.plugin.sdk.PluginLaunchSpec;
import io.fleetscaler.plugin.sdk.PluginProcess;
import io.fleetscaler.plugin.tck.FileMirroredGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/**
 * The static group as a real plugin process, launched, handshaken and supervised by {@link
 * PluginProcess}, against real sshd hosts. The process runs {@link LedgerMirroredStaticPlugin}: the
 * static group exactly as {@link StaticPluginMain} serves it, which also writes the hosts it has
 * handed out to a file after every call, so that what Shutdown left can be read once the process is
 * gone.
 */
class StaticSubprocessConformanceIT extends RealHostsConformanceKit {
  @TempDir Path dir;
  private final IdentityHashMap<InstanceGroup, Path> ledgers = new IdentityHashMap<>();

  @Override
  protected InstanceGroup newGroup() {
    Path ledger = dir.resolve("ledger-" + ledgers.size());
    List<String> command =
        new ArrayList<>(
            PluginLaunchSpec.javaMain(
                    StaticPluginMain.PLUGIN_NAME,
                    LedgerMirroredStaticPlugin.class,
                    List.of("-XX:TieredStopAtLevel=1"))
                .command());
    command.add(ledger.toString());
    InstanceGroup group =
        PluginProcess.launch(PluginLaunchSpec.of(StaticPluginMain.PLUGIN_NAME, command));
    ledgers.put(group, ledger);
    return group;
  }

  /**
   * The hosts the plugin still held after Shutdown, each in the state its {@code update} gives a
   * host in use: {@code running} when it answers a probe, {@code timeout} when it does not.
   */
  @Override
  protected Optional<List<InstanceStatus>> instancesAfterShutdown(InstanceGroup shutDown) {
    // The process ends first: what it held is what the file says, and the file must be as of after
    // Shutdown, or the check would look at the ledger before it.
    release(shutDown);
    FileMirroredGroup.Mirror left;
    try {
      left =
          FileMirroredGroup.Mirror.read(
              Objects.requireNonNull(ledgers.get(shutDown), "a group of this test"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(left.lastCall()).as("the last call the plugin answered").isEqualTo("shutdown");
    List<InstanceStatus> held = new ArrayList<>();
    for (SshHosts.Host host : SharedSshHosts.get().hosts()) {
      if (left.held().contains(host.name())) {
        InstanceState state =
            SshHosts.answers(host) ? InstanceState.RUNNING : InstanceState.TIMEOUT;
        held.add(new InstanceStatus(host.name(), state));
      }
    }
    return Optional.of(held);
  }

  @Override
  protected void release(InstanceGroup group) {
    ((PluginClient) group).close();
  }
}
