package io.fleetscaler.daemon.ha;

import io.fleetscaler.core.scaler.FileCloud;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.sdk.PluginServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A cloud in a file, as a plugin process: the core's crash-test {@link FileCloud} (the cloud
 * outlives every daemon that calls it), shared by every daemon's plugin process, each operation
 * under an exclusive file lock.
 *
 * <p>Every call is appended to {@code <cloud>.calls} as {@code <epoch millis> <daemon pid> <method>
 * <ids>}: the daemon is this process's parent, so the tests know which node called.
 *
 * <p>Run as {@code FileCloudPlugin <cloud file> [group id]} by a daemon (go-plugin handshake on
 * stdout).
 */
public final class FileCloudPlugin implements InstanceGroup {
  static final String GROUP_ID = "file-cloud/ha-test";

  private final FileCloud cloud;
  private final Path calls;
  private final Path lock;
  private final long caller;

  FileCloudPlugin(Path file) {
    this(file, GROUP_ID);
  }

  /** A cloud whose instance group id is {@code groupId} (each group of a test its own). */
  FileCloudPlugin(Path file, String groupId) {
    this.cloud = new FileCloud(file, groupId, operation -> {});
    this.calls = file.resolveSibling(file.getFileName() + ".calls");
    this.lock = file.resolveSibling(file.getFileName() + ".lock");
    this.caller = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
  }

  public static void main(String[] args) {
    FileCloudPlugin plugin =
        args.length > 1
            ? new FileCloudPlugin(Path.of(args[0]), args[1])
            : new FileCloudPlugin(Path.of(args[0]));
    PluginServer.serve(plugin, "file-cloud", "1.0");
  }

  /** The instances in {@code file} and their states. */
  public static Map<String, InstanceState> read(Path file) {
    return FileCloud.read(file);
  }

  /** One recorded call. */
  public record Call(long atMillis, long caller, String method, List<String> ids) {
    static Call parse(String line) {
      String[] f = line.split(" ", -1);
      List<String> ids = new ArrayList<>();
      for (int i = 3; i < f.length; i++) {
        ids.add(f[i]);
      }
      return new Call(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2], ids);
    }
  }

  /** Every call recorded next to {@code file}. */
  public static List<Call> calls(Path file) throws IOException {
    Path p = file.resolveSibling(file.getFileName() + ".calls");
    if (!Files.exists(p)) {
      return List.of();
    }
    return Files.readAllLines(p).stream().filter(l -> !l.isBlank()).map(Call::parse).toList();
  }

  private synchronized <T> T locked(String method, List<String> ids, Supplier<T> body) {
    try (FileChannel ch =
        FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      // Released when the channel closes.
      FileLock held = ch.lock();
      if (!held.isValid()) {
        throw new IOException("lost the lock on " + lock);
      }
      Files.writeString(
          calls,
          System.currentTimeMillis()
              + " "
              + caller
              + " "
              + method
              + (ids.isEmpty() ? "" : " " + String.join(" ", ids))
              + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      return body.get();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    return locked("init", List.of(), () -> cloud.init(settings, pluginConfigJson));
  }

  @Override
  public List<InstanceStatus> update() {
    return locked("update", List.of(), cloud::update);
  }

  @Override
  public int increase(int delta) {
    return locked("increase", List.of(Integer.toString(delta)), () -> cloud.increase(delta));
  }

  @Override
  public List<String> decrease(List<String> ids) {
    return locked("decrease", ids, () -> cloud.decrease(ids));
  }

  @Override
  public ConnectInfo connectInfo(String id) {
    return locked("connect_info", List.of(id), () -> cloud.connectInfo(id));
  }

  @Override
  public void heartbeat(String id) {
    locked("heartbeat", List.of(id), () -> Boolean.TRUE);
  }

  @Override
  public void shutdown() {
    locked("shutdown", List.of(), () -> Boolean.TRUE);
  }
}
