package io.fleetscaler.plugin.sdk;

import io.fleetscaler.plugin.api.InstanceGroup;
import java.util.Optional;

/**
 * The host's handle on one plugin: an {@link InstanceGroup} whose calls go over the plugin wire, to
 * a supervised subprocess ({@link PluginProcess#launch}) or to an implementation in this JVM
 * ({@link #inProcess}), through the same gRPC code path.
 *
 * <p>Calls fail with the {@link io.fleetscaler.plugin.api.ProviderException} kind the plugin threw;
 * transport failures, deadlines and calls while a crashed plugin is being restarted fail fast with
 * {@link io.fleetscaler.plugin.api.ProviderException.Unavailable}. Thread-safe.
 */
public interface PluginClient extends InstanceGroup, AutoCloseable {

  /** The plugin's name, as in logs. */
  String name();

  /** The current plugin process; empty in process, or while a crashed plugin is restarting. */
  Optional<ProcessHandle> process();

  /** How many times the plugin was restarted after a crash. */
  int restarts();

  /**
   * Bounds every later call (and the {@code init} replayed after a crash) by {@code window}: a call
   * is not sent while it is closed (it fails {@link
   * io.fleetscaler.plugin.api.ProviderException.Unavailable} at once), and a plugin built on this
   * SDK refuses, on arrival and before acting, a call that reaches it after the window closed,
   * however long this process was stopped after sending it. Replaces the previous window; the
   * default is {@link CallWindow#unbounded}.
   */
  void actWithin(CallWindow window);

  /**
   * Stops the plugin: asks it to shut down, waits briefly, then kills its whole process tree. Does
   * not call {@link #shutdown()}; callers do that first when they want the plugin's own cleanup.
   * Idempotent; calls after it fail with {@code Unavailable}.
   */
  @Override
  void close();

  /**
   * Drives {@code group} through gRPC's in-process transport: the same services, conversions and
   * error mapping as a subprocess, without one.
   */
  static PluginClient inProcess(InstanceGroup group) {
    return inProcess(group, "in-process");
  }

  /** {@link #inProcess(InstanceGroup)} with a name for logs. */
  static PluginClient inProcess(InstanceGroup group, String name) {
    return InProcessPluginClient.start(group, name);
  }
}
