package io.fleetscaler.plugin.statichosts;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.sdk.PluginServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The static provider as a plugin process whose ledger outlives it: it serves a {@link
 * StaticInstanceGroup} exactly as {@link StaticPluginMain} does (real probes of real hosts), and
 * after every call, failed ones included, writes which hosts the group has handed out ({@link
 * StaticInstanceGroup#inUse}, the only state the static plugin keeps) with the call's name to a
 * file, atomically (a temporary file renamed over it). A test reads there what the plugin still
 * held once the process is gone: after {@code Shutdown}, say.
 *
 * <p>The file: a line {@code after <call>}, then one line per host in use, its name, sorted.
 *
 * <p>Run as {@code LedgerMirroredStaticPlugin <file>} by a plugin host (go-plugin handshake on
 * stdout). Calls arrive on gRPC threads: writes are serialized on this object, and the in-use set
 * is a concurrent set that may be read at any time.
 */
public final class LedgerMirroredStaticPlugin implements InstanceGroup {
  private final StaticInstanceGroup group;
  private final Path file;

  LedgerMirroredStaticPlugin(StaticInstanceGroup group, Path file) {
    this.group = group;
    this.file = file;
  }

  public static void main(String[] args) {
    PluginServer.serve(
        new LedgerMirroredStaticPlugin(new StaticInstanceGroup(), Path.of(args[0])),
        StaticPluginMain.PLUGIN_NAME,
        StaticInstanceGroup.VERSION);
  }

  /**
   * What a plugin process left in {@code file}.
   *
   * @param lastCall the last call the plugin answered (its name in the file, e.g. {@code shutdown})
   * @param inUse the hosts it had handed out after that call
   */
  record Ledger(String lastCall, Set<String> inUse) {
    static Ledger read(Path file) throws IOException {
      List<String> lines = Files.readAllLines(file);
      if (lines.isEmpty() || !lines.get(0).startsWith("after ")) {
        throw new IOException(file + ": not a ledger of the static plugin: " + lines);
      }
      return new Ledger(
          lines.get(0).substring("after ".length()), Set.copyOf(lines.subList(1, lines.size())));
    }
  }

  private <T> T mirrored(String call, Supplier<T> body) {
    try {
      return body.get();
    } finally {
      write(call);
    }
  }

  private synchronized void write(String call) {
    List<String> out = new ArrayList<>();
    out.add("after " + call);
    out.addAll(new TreeSet<>(group.inUse()));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.write(tmp, out);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    return mirrored("init", () -> group.init(settings, pluginConfigJson));
  }

  @Override
  public List<InstanceStatus> update() {
    return mirrored("update", group::update);
  }

  @Override
  public int increase(int delta) {
    return mirrored("increase", () -> group.increase(delta));
  }

  @Override
  public List<String> decrease(List<String> ids) {
    return mirrored("decrease", () -> group.decrease(ids));
  }

  @Override
  public ConnectInfo connectInfo(String id) {
    return mirrored("connect_info", () -> group.connectInfo(id));
  }

  @Override
  public void heartbeat(String id) {
    mirrored(
        "heartbeat",
        () -> {
          group.heartbeat(id);
          return Boolean.TRUE;
        });
  }

  @Override
  public void shutdown() {
    mirrored(
        "shutdown",
        () -> {
          group.shutdown();
          return Boolean.TRUE;
        });
  }

  @Override
  public List<String> suspend(List<String> ids) {
    return mirrored("suspend", () -> group.suspend(ids));
  }

  @Override
  public List<String> resume(List<String> ids) {
    return mirrored("resume", () -> group.resume(ids));
  }
}
