package io.fleetscaler.benchmarks.scaler;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A recording fake around another group: forwards every call and counts {@link #update} and {@link
 * #increase} calls, so a benchmark can wait for the first of each. Thread-safe.
 */
final class RecordingInstanceGroup implements InstanceGroup {
  private final InstanceGroup delegate;
  private final AtomicInteger updates = new AtomicInteger();
  private final AtomicInteger increases = new AtomicInteger();
  private final CountDownLatch firstUpdate = new CountDownLatch(1);
  private final CountDownLatch firstIncrease = new CountDownLatch(1);

  RecordingInstanceGroup(InstanceGroup delegate) {
    this.delegate = delegate;
  }

  int updates() {
    return updates.get();
  }

  int increases() {
    return increases.get();
  }

  /** Waits for the first {@link #update} to return; false if {@code timeout} passed first. */
  boolean awaitUpdate(long timeout, TimeUnit unit) throws InterruptedException {
    return firstUpdate.await(timeout, unit);
  }

  /** Waits for the first {@link #increase} to return; false if {@code timeout} passed first. */
  boolean awaitIncrease(long timeout, TimeUnit unit) throws InterruptedException {
    return firstIncrease.await(timeout, unit);
  }

  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    return delegate.init(settings, pluginConfigJson);
  }

  @Override
  public List<InstanceStatus> update() {
    List<InstanceStatus> report = delegate.update();
    updates.incrementAndGet();
    firstUpdate.countDown();
    return report;
  }

  @Override
  public int increase(int delta) {
    int granted = delegate.increase(delta);
    increases.incrementAndGet();
    firstIncrease.countDown();
    return granted;
  }

  @Override
  public List<String> decrease(List<String> ids) {
    return delegate.decrease(ids);
  }

  @Override
  public ConnectInfo connectInfo(String id) {
    return delegate.connectInfo(id);
  }

  @Override
  public void heartbeat(String id) {
    delegate.heartbeat(id);
  }

  @Override
  public void shutdown() {
    delegate.shutdown();
  }
}
