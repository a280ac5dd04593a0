package io.fleetscaler.plugin.tck;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The smallest correct group, with instant transitions, plus one switchable way to break each part
 * of the contract, so the kit can be shown to catch it. Config: {@code {}} or {@code
 * {"max_size":N}}.
 */
final class ListGroup implements InstanceGroup {

  /** One way to break the contract, or none. */
  enum Fault {
    NONE,
    INIT_ACCEPTS_ANYTHING,
    INCREASE_OVERSHOOTS,
    INCREASE_IGNORES_MAX_SIZE,
    DECREASE_TAKES_ANOTHER,
    DECREASE_REJECTS_GONE_IDS,
    UPDATE_LISTS_TWICE,
    CONNECT_INFO_OF_UNKNOWN_SUCCEEDS,
    HEARTBEAT_OF_UNKNOWN_PASSES,
    SHUTDOWN_DELETES,
    SUSPEND_SILENTLY_IGNORED
  }

  private static final Pattern CONFIG =
      Pattern.compile("\\{\\s*(\"max_size\"\\s*:\\s*(\\d+))?\\s*}");

  private final Fault fault;
  private final Map<String, InstanceState> cloud;
  private @Nullable Settings settings;
  private int maxSize;
  private int next = 1;

  /** A group over {@code cloud}, which outlives the group as a real cloud does. */
  ListGroup(Fault fault, Map<String, InstanceState> cloud) {
    this.fault = fault;
    this.cloud = cloud;
  }

  @Override
  public synchronized ProviderInfo init(Settings settings, String pluginConfigJson) {
    Matcher m = CONFIG.matcher(pluginConfigJson);
    if (m.matches()) {
      maxSize = m.group(2) == null ? 4 : Integer.parseInt(m.group(2));
    } else if (fault == Fault.INIT_ACCEPTS_ANYTHING) {
      maxSize = 4;
    } else {
      throw new ProviderException.InvalidConfig("bad config: " + pluginConfigJson);
    }
    if (maxSize < 1) {
      throw new ProviderException.InvalidConfig("max_size must be >= 1");
    }
    this.settings = settings;
    return new ProviderInfo("list/test", maxSize, "1", "", Set.of());
  }

  @Override
  public synchronized List<InstanceStatus> update() {
    List<InstanceStatus> result = new ArrayList<>();
    cloud.forEach((id, state) -> result.add(new InstanceStatus(id, state)));
    if (fault == Fault.UPDATE_LISTS_TWICE && !result.isEmpty()) {
      result.add(result.get(0));
    }
    return result;
  }

  @Override
  public synchronized int increase(int delta) {
    int room = fault == Fault.INCREASE_IGNORES_MAX_SIZE ? delta : maxSize - cloud.size();
    int granted = Math.max(0, Math.min(delta, room));
    int created = fault == Fault.INCREASE_OVERSHOOTS ? granted + 1 : granted;
    for (int i = 0; i < created; i++) {
      cloud.put("i-" + next++, InstanceState.RUNNING);
    }
    return granted;
  }

  @Override
  public synchronized List<String> decrease(List<String> ids) {
    List<String> accepted = new ArrayList<>();
    for (String id : ids) {
      boolean held = cloud.remove(id) != null;
      if (held || fault != Fault.DECREASE_REJECTS_GONE_IDS) {
        accepted.add(id);
      }
    }
    if (fault == Fault.DECREASE_TAKES_ANOTHER && !ids.isEmpty() && !cloud.isEmpty()) {
      cloud.remove(cloud.keySet().iterator().next());
    }
    return accepted;
  }

  @Override
  public synchronized ConnectInfo connectInfo(String id) {
    if (!cloud.containsKey(id) && fault != Fault.CONNECT_INFO_OF_UNKNOWN_SUCCEEDS) {
      throw new ProviderException.NotFound(id);
    }
    Settings s = settings;
    if (s == null) {
      throw new IllegalStateException("not initialised");
    }
    return new ConnectInfo(id, s.connector(), "10.0.0.1", "", null);
  }

  @Override
  public synchronized void heartbeat(String id) {
    if (!cloud.containsKey(id) && fault != Fault.HEARTBEAT_OF_UNKNOWN_PASSES) {
      throw new ProviderException.NotFound(id);
    }
  }

  @Override
  public synchronized void shutdown() {
    if (fault == Fault.SHUTDOWN_DELETES) {
      cloud.clear();
    }
  }

  @Override
  public List<String> suspend(List<String> ids) {
    if (fault == Fault.SUSPEND_SILENTLY_IGNORED) {
      return List.of();
    }
    return InstanceGroup.super.suspend(ids);
  }

  /** A cloud map for {@link #ListGroup}; insertion-ordered like a listing. */
  static Map<String, InstanceState> newCloud() {
    return new LinkedHashMap<>();
  }
}
