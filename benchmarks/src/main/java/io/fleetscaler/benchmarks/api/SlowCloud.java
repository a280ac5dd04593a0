package io.fleetscaler.benchmarks.api;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import java.time.Duration;
import java.util.List;

/**
 * A cloud whose provisioner calls ({@code update}, {@code increase}, {@code decrease}, {@code
 * heartbeat}) each take {@link #latency(Duration)} before the wrapped cloud answers. {@code
 * connectInfo} answers at once: it is the Acquire answer's own call (addresses a plugin keeps from
 * its last listing), not one the provisioner makes under its lock.
 */
final class SlowCloud implements InstanceGroup {
  private final InstanceGroup cloud;
  private volatile Duration latency = Duration.ZERO;

  SlowCloud(InstanceGroup cloud) {
    this.cloud = cloud;
  }

  /** From now on, every provisioner call takes {@code value}. */
  void latency(Duration value) {
    latency = value;
  }

  private void slow() {
    Duration d = latency;
    if (d.isZero()) {
      return;
    }
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    return cloud.init(settings, pluginConfigJson);
  }

  @Override
  public List<InstanceStatus> update() {
    slow();
    return cloud.update();
  }

  @Override
  public int increase(int delta) {
    slow();
    return cloud.increase(delta);
  }

  @Override
  public List<String> decrease(List<String> ids) {
    slow();
    return cloud.decrease(ids);
  }

  @Override
  public ConnectInfo connectInfo(String id) {
    return cloud.connectInfo(id);
  }

  @Override
  public void heartbeat(String id) {
    slow();
    cloud.heartbeat(id);
  }

  @Override
  public void shutdown() {
    cloud.shutdown();
  }
}
