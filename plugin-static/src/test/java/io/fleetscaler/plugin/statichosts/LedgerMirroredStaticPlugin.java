package io.fleetscaler.plugin.statichosts;

import io.fleetscaler.plugin.sdk.PluginServer;
import io.fleetscaler.plugin.tck.FileMirroredGroup;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * The static provider as a plugin process whose ledger outlives it: it serves a {@link
 * StaticInstanceGroup} exactly as {@link StaticPluginMain} does (real probes of real hosts), and
 * after every call writes which hosts the group has handed out ({@link StaticInstanceGroup#inUse},
 * the only state the static plugin keeps) to a file ({@link FileMirroredGroup}: a line {@code after
 * <call>}, then the names of the hosts in use, sorted). A test reads there what the plugin still
 * held once the process is gone: after {@code Shutdown}, say.
 *
 * <p>Run as {@code LedgerMirroredStaticPlugin <file>} by a plugin host (go-plugin handshake on
 * stdout). The in-use set is a concurrent set that may be read from any gRPC thread.
 */
public final class LedgerMirroredStaticPlugin {
  private LedgerMirroredStaticPlugin() {}

  public static void main(String[] args) {
    StaticInstanceGroup group = new StaticInstanceGroup();
    PluginServer.serve(
        new FileMirroredGroup(
            group, Path.of(args[0]), () -> List.copyOf(new TreeSet<>(group.inUse()))),
        StaticPluginMain.PLUGIN_NAME,
        StaticInstanceGroup.VERSION);
  }
}
