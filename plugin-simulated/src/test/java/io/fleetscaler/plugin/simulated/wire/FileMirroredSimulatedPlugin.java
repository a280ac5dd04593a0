package io.fleetscaler.plugin.simulated.wire;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.sdk.PluginServer;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.plugin.simulated.SimulatedPluginMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The simulated provider as a plugin process whose cloud outlives it: it serves a {@link
 * SimulatedInstanceGroup} on the system clock exactly as {@link SimulatedPluginMain} does, and
 * after every call, failed ones included, writes what the cloud holds ({@link
 * SimulatedInstanceGroup#snapshot}) with the call's name to a file, atomically (a temporary file
 * renamed over it). A test reads there what the plugin left in its cloud once the process is gone:
 * after {@code Shutdown}, say.
 *
 * <p>The file: a line {@code after <call>}, then one line {@code <id> <STATE>} per instance.
 *
 * <p>Run as {@code FileMirroredSimulatedPlugin <file>} by a plugin host (go-plugin handshake on
 * stdout). Calls arrive on gRPC threads: writes are serialized on this object.
 */
public final class FileMirroredSimulatedPlugin implements InstanceGroup {
  private final SimulatedInstanceGroup cloud;
  private final Path file;

  FileMirroredSimulatedPlugin(SimulatedInstanceGroup cloud, Path file) {
    this.cloud = cloud;
    this.file = file;
  }

  public static void main(String[] args) {
    PluginServer.serve(
        new FileMirroredSimulatedPlugin(SimulatedInstanceGroup.withSystemClock(), Path.of(args[0])),
        SimulatedPluginMain.PLUGIN_NAME,
        SimulatedInstanceGroup.VERSION);
  }

  /**
   * What a plugin process left in {@code file}.
   *
   * @param lastCall the last call the plugin answered (its name in the file, e.g. {@code shutdown})
   * @param instances the cloud's instances after it
   */
  record Mirror(String lastCall, List<InstanceStatus> instances) {
    static Mirror read(Path file) throws IOException {
      List<String> lines = Files.readAllLines(file);
      if (lines.isEmpty() || !lines.get(0).startsWith("after ")) {
        throw new IOException(file + ": not a mirror of the simulated cloud: " + lines);
      }
      List<InstanceStatus> instances = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(" ", -1);
        instances.add(new InstanceStatus(f[0], InstanceState.valueOf(f[1])));
      }
      return new Mirror(lines.get(0).substring("after ".length()), instances);
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
    for (InstanceStatus s : cloud.snapshot()) {
      out.add(s.id() + " " + s.state().name());
    }
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
    return mirrored("init", () -> cloud.init(settings, pluginConfigJson));
  }

  @Override
  public List<InstanceStatus> update() {
    return mirrored("update", cloud::update);
  }

  @Override
  public int increase(int delta) {
    return mirrored("increase", () -> cloud.increase(delta));
  }

  @Override
  public List<String> decrease(List<String> ids) {
    return mirrored("decrease", () -> cloud.decrease(ids));
  }

  @Override
  public ConnectInfo connectInfo(String id) {
    return mirrored("connect_info", () -> cloud.connectInfo(id));
  }

  @Override
  public void heartbeat(String id) {
    mirrored(
        "heartbeat",
        () -> {
          cloud.heartbeat(id);
          return Boolean.TRUE;
        });
  }

  @Override
  public void shutdown() {
    mirrored(
        "shutdown",
        () -> {
          cloud.shutdown();
          return Boolean.TRUE;
        });
  }

  @Override
  public List<String> suspend(List<String> ids) {
    return mirrored("suspend", () -> cloud.suspend(ids));
  }

  @Override
  public List<String> resume(List<String> ids) {
    return mirrored("resume", () -> cloud.resume(ids));
  }
}
