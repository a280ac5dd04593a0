package io.fleetscaler.plugin.sdk;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import java.util.List;
import java.util.Objects;

/**
 * A {@link PluginClient} whose SPI calls all go to the wire-backed group of the moment, within the
 * client's {@link CallWindow}; subclasses say which group that is (and fail with {@code
 * Unavailable} when there is none) and manage its lifecycle.
 */
abstract class ForwardingPluginClient implements PluginClient {
  private volatile CallWindow window = CallWindow.unbounded();

  /** The group to call now, without a window. */
  abstract RemoteInstanceGroup group();

  /** The window every call is bounded by. */
  final CallWindow window() {
    return window;
  }

  @Override
  public final void actWithin(CallWindow window) {
    this.window = Objects.requireNonNull(window, "window");
  }

  private InstanceGroup target() {
    return group().within(window);
  }

  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    return target().init(settings, pluginConfigJson);
  }

  @Override
  public List<InstanceStatus> update() {
    return target().update();
  }

  @Override
  public int increase(int delta) {
    return target().increase(delta);
  }

  @Override
  public List<String> decrease(List<String> ids) {
    return target().decrease(ids);
  }

  @Override
  public ConnectInfo connectInfo(String id) {
    return target().connectInfo(id);
  }

  @Override
  public void heartbeat(String id) {
    target().heartbeat(id);
  }

  @Override
  public void shutdown() {
    target().shutdown();
  }

  @Override
  public List<String> suspend(List<String> ids) {
    return target().suspend(ids);
  }

  @Override
  public List<String> resume(List<String> ids) {
    return target().resume(ids);
  }
}
