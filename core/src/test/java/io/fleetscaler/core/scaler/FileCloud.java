package io.fleetscaler.core.scaler;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A cloud whose state lives in a file, rewritten atomically after every change, so it outlives a
 * scaler's JVM killed at any point. Instances run at the first update after their creation and are
 * gone at the first update after their deletion. {@code hook} runs after each change is on disk:
 * the crash tests use it to stop the JVM in the middle of an operation.
 *
 * <p>Public in core's test jar: the daemon's HA tests serve it as a plugin process shared by
 * several daemons ({@code FileCloudPlugin}, which adds a file lock and a record of the calls). Not
 * safe for several processes on its own.
 */
public final class FileCloud implements InstanceGroup {
  static final String GROUP_ID = "file-cloud/crash-test";

  private final Path file;
  private final String groupId;
  private final Hook hook;

  /** Runs after a change is written, before the call returns. */
  @FunctionalInterface
  public interface Hook {
    void after(String operation);
  }

  FileCloud(Path file, Hook hook) {
    this(file, GROUP_ID, hook);
  }

  /** The cloud in {@code file}, whose {@code init} names the group {@code groupId}. */
  public FileCloud(Path file, String groupId, Hook hook) {
    this.file = file;
    this.groupId = groupId;
    this.hook = hook;
  }

  /** The instances in the file and their states. */
  public static synchronized Map<String, InstanceState> read(Path file) {
    Map<String, InstanceState> out = new LinkedHashMap<>();
    for (String line : lines(file)) {
      if (!line.startsWith("next ")) {
        String[] f = line.split(" ", -1);
        out.put(f[0], InstanceState.valueOf(f[1]));
      }
    }
    return out;
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      return List.of("next 0");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int next() {
    return Integer.parseInt(lines(file).get(0).substring(5));
  }

  private void write(int next, Map<String, InstanceState> instances) {
    List<String> out = new ArrayList<>();
    out.add("next " + next);
    instances.forEach((id, state) -> out.add(id + " " + state.name()));
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
    return new ProviderInfo(groupId, 100, "1", "", Set.of());
  }

  @Override
  public synchronized List<InstanceStatus> update() {
    Map<String, InstanceState> instances = read(file);
    List<InstanceStatus> out = new ArrayList<>();
    Map<String, InstanceState> after = new LinkedHashMap<>();
    instances.forEach(
        (id, state) -> {
          out.add(new InstanceStatus(id, state));
          switch (state) {
            case CREATING -> after.put(id, InstanceState.RUNNING);
            case DELETING -> {}
            default -> after.put(id, state);
          }
        });
    write(next(), after);
    return out;
  }

  @Override
  public synchronized int increase(int delta) {
    int next = next();
    Map<String, InstanceState> instances = read(file);
    for (int i = 0; i < delta; i++) {
      instances.put("vm-" + next++, InstanceState.CREATING);
    }
    write(next, instances);
    hook.after("increase");
    return delta;
  }

  @Override
  public synchronized List<String> decrease(List<String> ids) {
    Map<String, InstanceState> instances = read(file);
    for (String id : ids) {
      instances.computeIfPresent(id, (k, v) -> InstanceState.DELETING);
    }
    write(next(), instances);
    hook.after("decrease");
    return ids;
  }

  @Override
  public ConnectInfo connectInfo(String id) {
    if (!read(file).containsKey(id)) {
      throw new ProviderException.NotFound("no instance " + id);
    }
    return new ConnectInfo(id, ConnectorConfig.defaults(), "127.0.0.1", "", null);
  }

  @Override
  public void heartbeat(String id) {}

  @Override
  public void shutdown() {}
}
