package io.fleetscaler.plugin.sdk;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import java.util.List;

/**
 * A {@link PluginClient} whose SPI calls all go to the wire-backed group of the moment; subclasses
 * say which group that is (and fail with {@code Unavailable} when there is none) and manage its
 * lifecycle.
 */
abstract class ForwardingPluginClient implements PluginClient {

  /** The group to call now. */
  abstract InstanceGroup group();

  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    return group().init(settings, pluginConfigJson);
  }

  @Override
  public List<InstanceStatus> update() {
    return group().update();
  }

  @Override
  public int increase(int delta) {
    return group().increase(delta);
  }

  @Override
  public List<String> decrease(List<String> ids) {
    return group().decrease(ids);
  }

  @Override
  public ConnectInfo connectInfo(String id) {
    return group().connectInfo(id);
  }

  @Override
  public void heartbeat(String id) {
    group().heartbeat(id);
  }

  @Override
  public void shutdown() {
    group().shutdown();
  }

  @Override
  public List<String> suspend(List<String> ids) {
    return group().suspend(ids);
  }

  @Override
  public List<String> resume(List<String> ids) {
    return group().resume(ids);
  }
}
