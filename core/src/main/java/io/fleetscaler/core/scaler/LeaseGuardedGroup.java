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
 * state either: the daemon's store is fenced in etcd on the term, which needs no clock. Nor can the
 * one call whose check here passed just before the pause be acted on late: this check cannot cover
 * the gap between itself and the bytes leaving the process (a gRPC deadline does not either:
 * grpc-java tests it only when the call starts), so the daemon also gives the plugin client the
 * lease's remaining validity as the call's window ({@code PluginClient.actWithin}): the client
 * sends no call once it closed, and a plugin on the SDK refuses, before acting, a call that arrives
 * after it closed, comparing its own clock with the window's end translated into it ({@code
 * ArrivalFence} in the plugin SDK has the argument).
 *
 * <p><b>Can:</b> keep answering requests that need no plugin and no commit (a release, a
 * reservation) from memory until the API gate, which asks the same guard, turns them away: those
 * changes are never committed, so the next leader does not see them. And what the cloud was asked
 * before the pause stays asked: a call the plugin accepted while the lease held runs to its end in
 * the plugin (its cloud requests may land after the lease, if the plugin's process is slow or
 * stopped too), and a plugin not built on the SDK (a Go plugin) does not check arrivals, so for it
 * the one call in flight at the pause can still arrive late.
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
