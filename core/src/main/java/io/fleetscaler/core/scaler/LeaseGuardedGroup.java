package io.fleetscaler.core.scaler;

import io.fleetscaler.core.lease.LeaseGuard;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import java.util.List;

/**
 * The plugin as a scaler with a {@link LeaseGuard} sees it: the one choke point every plugin call
 * passes (the provisioner's update, the actuator's increase and decrease, heartbeats, connection
 * details on the request path and the connector's, suspend and resume, init and shutdown), so no
 * call site can forget the check.
 *
 * <p>Each method asks the guard immediately before it calls the plugin. When the guard does not
 * hold, the call is not made: it fails with {@link ProviderException.Unavailable}, the category
 * every caller already treats as "skip and try again later" (the provisioner backs off, the
 * actuator keeps its plan for the next tick, a heartbeat counts nothing against the instance), so a
 * lapse of the lease neither fails the group nor marks an instance unhealthy. {@link #shutdown} is
 * skipped silently: a deposed leader stops its scaler without telling a plugin anything.
 *
 * <h2>A paused-then-resumed leader</h2>
 *
 * <b>Can not:</b> start a new plugin call, or hand out an acquisition, once its own monotonic clock
 * says the lease may have ended: after a pause (SIGSTOP, GC, partition) longer than the TTL minus
 * the margin, every check fails from the first instruction after the resume, whatever the thread
 * was about to do, because the check reads the clock each time and never caches. It can not commit
 * state either: the daemon's store is fenced in etcd on the term, which needs no clock.
 *
 * <p><b>Can:</b> finish the one plugin call whose check passed before the pause (a pause between
 * the check and the moment the call leaves the process), because cloud APIs take no fencing token;
 * and keep answering requests that need no plugin and no commit (a release, a reservation) from
 * memory until the API gate, which asks the same guard, turns them away: those changes are never
 * committed, so the next leader does not see them. The guard's safety margin covers ordinary delays
 * between check and call, not an arbitrarily long stop inside that window.
 */
final class LeaseGuardedGroup implements InstanceGroup {
  private final InstanceGroup plugin;
  private final LeaseGuard guard;

  private LeaseGuardedGroup(InstanceGroup plugin, LeaseGuard guard) {
    this.plugin = plugin;
    this.guard = guard;
  }

  /** {@code plugin} behind {@code guard}; an already guarded group gets the new guard instead. */
  static InstanceGroup of(InstanceGroup plugin, LeaseGuard guard) {
    InstanceGroup raw = plugin instanceof LeaseGuardedGroup g ? g.plugin : plugin;
    return new LeaseGuardedGroup(raw, guard);
  }

  private void check(String method) {
    if (!guard.holds()) {
      throw new ProviderException.Unavailable(
          method + " not called: this process cannot be sure it still leads (lease guard)");
    }
  }

  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    check("init");
    return plugin.init(settings, pluginConfigJson);
  }

  @Override
  public List<InstanceStatus> update() {
    check("update");
    return plugin.update();
  }

  @Override
  public int increase(int delta) {
    check("increase");
    return plugin.increase(delta);
  }

  @Override
  public List<String> decrease(List<String> ids) {
    check("decrease");
    return plugin.decrease(ids);
  }

  @Override
  public ConnectInfo connectInfo(String id) {
    check("connect_info");
    return plugin.connectInfo(id);
  }

  @Override
  public void heartbeat(String id) {
    check("heartbeat");
    plugin.heartbeat(id);
  }

  @Override
  public void shutdown() {
    if (guard.holds()) {
      plugin.shutdown();
    }
  }

  @Override
  public List<String> suspend(List<String> ids) {
    check("suspend");
    return plugin.suspend(ids);
  }

  @Override
  public List<String> resume(List<String> ids) {
    check("resume");
    return plugin.resume(ids);
  }
}
