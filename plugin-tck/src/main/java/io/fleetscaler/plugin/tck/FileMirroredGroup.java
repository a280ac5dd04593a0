package io.fleetscaler.plugin.tck;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * An instance group whose state outlives its plugin process: it serves {@code group} unchanged and,
 * after every call (failed ones included), writes the call's name and what {@code held} says the
 * group holds to a file, atomically (a temporary file renamed over it). A conformance test reads
 * there what a plugin process left once the process is gone: after {@code Shutdown}, say, which no
 * call over the wire can ask any more.
 *
 * <p>The file: a line {@code after <call>}, then the lines of {@code held}, as they were after that
 * call.
 *
 * <p>Calls arrive on gRPC threads: writes are serialized on this object; {@code held} must be safe
 * to call from any of them.
 */
public final class FileMirroredGroup implements InstanceGroup {
  private final InstanceGroup group;
  private final Path file;
  private final Supplier<List<String>> held;

  /**
   * @param group the plugin's real group
   * @param file where the mirror is written
   * @param held what the group holds now, one line per item (the instances of a cloud, the hosts
   *     handed out)
   */
  public FileMirroredGroup(InstanceGroup group, Path file, Supplier<List<String>> held) {
    this.group = group;
    this.file = file;
    this.held = held;
  }

  /**
   * What a plugin process left in a mirror file.
   *
   * @param lastCall the last call the plugin answered (e.g. {@code shutdown})
   * @param held the lines of what the group held after it
   */
  public record Mirror(String lastCall, List<String> held) {
    public Mirror {
      held = List.copyOf(held);
    }

    /** Reads {@code file}; fails if it is not a mirror. */
    public static Mirror read(Path file) throws IOException {
      List<String> lines = Files.readAllLines(file);
      if (lines.isEmpty() || !lines.get(0).startsWith("after ")) {
        throw new IOException(file + ": not the mirror of an instance group: " + lines);
      }
      return new Mirror(lines.get(0).substring("after ".length()), lines.subList(1, lines.size()));
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
    out.addAll(held.get());
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
