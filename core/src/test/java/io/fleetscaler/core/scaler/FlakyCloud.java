package io.fleetscaler.core.scaler;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import java.util.List;

/**
 * A recording fake around the simulated cloud: counts decrease calls and fails the next ones on
 * demand, as a cloud API does when it is throttling.
 */
final class FlakyCloud implements InstanceGroup {
  final SimulatedInstanceGroup cloud;
  private int failDecreases;
  private int failUpdates;
  private int decreaseCalls;

  FlakyCloud(SimulatedInstanceGroup cloud) {
    this.cloud = cloud;
  }

  synchronized void failNextDecreases(int n) {
    failDecreases = n;
  }

  synchronized void failNextUpdates(int n) {
    failUpdates = n;
  }

  synchronized int decreaseCalls() {
    return decreaseCalls;
  }

  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    return cloud.init(settings, pluginConfigJson);
  }

  @Override
  public synchronized List<InstanceStatus> update() {
    if (failUpdates > 0) {
      failUpdates--;
      throw new ProviderException.Unavailable("simulated API outage");
    }
    return cloud.update();
  }

  @Override
  public int increase(int delta) {
    return cloud.increase(delta);
  }

  @Override
  public synchronized List<String> decrease(List<String> ids) {
    decreaseCalls++;
    if (failDecreases > 0) {
      failDecreases--;
      throw new ProviderException.Unavailable("simulated API throttling");
    }
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

  @Override
  public void shutdown() {
    cloud.shutdown();
  }
}
