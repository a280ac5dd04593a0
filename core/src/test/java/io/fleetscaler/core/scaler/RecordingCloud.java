package io.fleetscaler.core.scaler;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A recording fake cloud: every call is logged with the clock's time, instances run at the first
 * update after their creation and disappear {@code deletionPolls} updates after their deletion. It
 * outlives any scaler using it (its {@code shutdown} only records), like a real cloud.
 */
final class RecordingCloud implements InstanceGroup {
  static final long START =
      io.fleetscaler.plugin.simulated.ManualClock.DEFAULT_START.getEpochSecond();
  static final String GROUP_ID = "recording/test-group";
  final List<String> calls = new ArrayList<>();
  final Map<String, InstanceState> instances = new LinkedHashMap<>();
  private final Map<String, Integer> deletingFor = new LinkedHashMap<>();
  private final InstantSource clock;
  private int next;
  int deletionPolls;
  Consumer<String> onCall = call -> {};

  RecordingCloud(InstantSource clock) {
    this.clock = clock;
  }

  private synchronized void record(String call) {
    calls.add(call + " @" + (clock.instant().getEpochSecond() - START));
    onCall.accept(call);
  }

  synchronized List<String> callNames() {
    return calls.stream()
        .map(c -> c.substring(0, c.indexOf(' ') < 0 ? c.length() : c.indexOf(' ')))
        .toList();
  }

  /** Adds an instance nobody asked for, running. */
  synchronized String addForeign() {
    String id = "foreign-" + next++;
    instances.put(id, InstanceState.RUNNING);
    return id;
  }

  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    record("init");
    return new ProviderInfo(GROUP_ID, 100, "1", "", Set.of());
  }

  @Override
  public synchronized List<InstanceStatus> update() {
    record("update");
    List<InstanceStatus> out = new ArrayList<>();
    for (Map.Entry<String, InstanceState> e : List.copyOf(instances.entrySet())) {
      String id = e.getKey();
      if (e.getValue() == InstanceState.DELETING) {
        int left = deletingFor.merge(id, -1, Integer::sum);
        if (left < 0) {
          instances.remove(id);
          deletingFor.remove(id);
          continue;
        }
      }
      out.add(new InstanceStatus(id, e.getValue()));
      if (e.getValue() == InstanceState.CREATING) {
        instances.put(id, InstanceState.RUNNING);
      }
    }
    return out;
  }

  @Override
  public synchronized int increase(int delta) {
    record("increase " + delta);
    for (int i = 0; i < delta; i++) {
      instances.put("i-" + next++, InstanceState.CREATING);
    }
    return delta;
  }

  @Override
  public synchronized List<String> decrease(List<String> ids) {
    record("decrease " + ids);
    for (String id : ids) {
      if (instances.containsKey(id) && instances.get(id) != InstanceState.DELETING) {
        instances.put(id, InstanceState.DELETING);
        deletingFor.put(id, deletionPolls);
      }
    }
    return ids;
  }

  volatile boolean pluginDown;

  @Override
  public ConnectInfo connectInfo(String id) {
    if (pluginDown) {
      throw new ProviderException.Unavailable("plugin restarting");
    }
    if (!instances.containsKey(id)) {
      throw new ProviderException.NotFound("no instance " + id);
    }
    return new ConnectInfo(id, ConnectorConfig.defaults(), "10.0.0.1", "", null);
  }

  @Override
  public void heartbeat(String id) {}

  @Override
  public void shutdown() {
    record("shutdown");
  }
}
