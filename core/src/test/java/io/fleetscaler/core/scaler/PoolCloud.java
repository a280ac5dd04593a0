package io.fleetscaler.core.scaler;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated cloud that records which instances were suspended and resumed, and can refuse or fail
 * resumes. A recording fake of the plugin SPI.
 */
final class PoolCloud implements InstanceGroup {
  final SimulatedInstanceGroup cloud;
  final List<String> suspendedIds = new ArrayList<>();
  final List<String> resumedIds = new ArrayList<>();
  final List<String> decreasedIds = new ArrayList<>();
  int increases;
  private int refuseResumes;
  private int failResumes;

  PoolCloud(SimulatedInstanceGroup cloud) {
    this.cloud = cloud;
  }

  /** The next {@code n} resume calls accept nothing. */
  synchronized void refuseNextResumes(int n) {
    refuseResumes = n;
  }

  /** The next {@code n} resume calls throw, as a cloud that is down does. */
  synchronized void failNextResumes(int n) {
    failResumes = n;
  }

  private @org.jspecify.annotations.Nullable ProviderInfo info;

  /**
   * Inits the simulated cloud once; a second scaler over the same cloud (a restart) gets the same
   * answer.
   */
  @Override
  public synchronized ProviderInfo init(Settings settings, String pluginConfigJson) {
    ProviderInfo i = info;
    if (i == null) {
      i = cloud.init(settings, pluginConfigJson);
      info = i;
    }
    return i;
  }

  @Override
  public synchronized List<InstanceStatus> update() {
    return cloud.update();
  }

  @Override
  public synchronized int increase(int delta) {
    int n = cloud.increase(delta);
    increases += n;
    return n;
  }

  @Override
  public synchronized List<String> decrease(List<String> ids) {
    decreasedIds.addAll(ids);
    return cloud.decrease(ids);
  }

  @Override
  public ConnectInfo connectInfo(String id) {
    return cloud.connectInfo(id);
  }

  @Override
  public void heartbeat(String id) {
    cloud.heartbeat(id);
  }

  /** The cloud outlives the scaler: a restarted scaler finds it as it was. */
  @Override
  public void shutdown() {}

  @Override
  public synchronized List<String> suspend(List<String> ids) {
    List<String> accepted = cloud.suspend(ids);
    suspendedIds.addAll(accepted);
    return accepted;
  }

  @Override
  public synchronized List<String> resume(List<String> ids) {
    if (failResumes > 0) {
      failResumes--;
      throw new ProviderException.Unavailable("resume failed (injected)");
    }
    if (refuseResumes > 0) {
      refuseResumes--;
      return List.of();
    }
    List<String> accepted = cloud.resume(ids);
    resumedIds.addAll(accepted);
    return accepted;
  }
}
