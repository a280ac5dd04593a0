package io.fleetscaler.daemon;

import io.fleetscaler.daemon.api.ApiServer;
import io.fleetscaler.daemon.config.DaemonConfig;
import io.fleetscaler.daemon.config.GroupConfig;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.sdk.PluginClient;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The checks {@code run} makes before it starts anything, shared with {@code validate} so that a
 * configuration {@code validate} passes is one {@code run} starts: the file's own checks (done when
 * it is loaded), then the gRPC API's credentials and TLS material, each group's connector key, and,
 * only when asked, each plugin started and given its {@code plugin_config} through {@code Init}.
 */
final class Preflight {
  private Preflight() {}

  /** What would stop {@code run} short of a cloud: one line per problem, empty when none. */
  static List<String> offline(DaemonConfig config) {
    List<String> problems = new ArrayList<>();
    ApiServer.check(Daemon.apiSettings(config.daemon()))
        .forEach(p -> problems.add("gRPC API: " + p));
    for (GroupConfig g : config.groups()) {
      try {
        Settings unused = g.pluginSettings();
      } catch (UncheckedIOException e) {
        problems.add(
            "group "
                + g.name()
                + ": connector_config.key_path: cannot read the key: "
                + Objects.requireNonNullElse(e.getMessage(), "input/output error"));
      }
    }
    return problems;
  }

  /**
   * What high availability changes in the groups' settings, one line each: a node's stop hands its
   * instances to the next leader, so {@code delete_instances_on_shutdown} is not applied, and the
   * state lives in etcd, so {@code [state_storage]} is not used.
   */
  static List<String> haWarnings(DaemonConfig config) {
    List<String> warnings = new ArrayList<>();
    if (config.ha() == null) {
      return warnings;
    }
    for (GroupConfig g : config.groups()) {
      if (g.deleteInstancesOnShutdown()) {
        warnings.add(
            "group "
                + g.name()
                + ": delete_instances_on_shutdown is not applied under [daemon.ha]: a node that"
                + " stops hands its instances to the next leader");
      }
    }
    return warnings;
  }

  /** One plugin's answer to {@code Init}: what it said it is, or why it could not be asked. */
  record PluginCheck(GroupConfig group, boolean ok, String detail) {
    @Override
    public String toString() {
      return "group "
          + group.name()
          + ": plugin "
          + group.plugin().name()
          + (ok ? ": Init accepted plugin_config (" + detail + ")" : ": " + detail);
    }
  }

  /**
   * Starts each group's plugin as {@code run} would, calls {@code Init} with the group's settings
   * and {@code plugin_config}, and stops it again (nothing is created: {@code Init} only checks).
   */
  static List<PluginCheck> plugins(DaemonConfig config, boolean inProcess) {
    List<PluginCheck> checks = new ArrayList<>();
    for (GroupConfig g : config.groups()) {
      PluginClient client;
      try {
        client = PluginLauncher.open(g.plugin(), inProcess);
      } catch (RuntimeException e) {
        checks.add(new PluginCheck(g, false, "did not start: " + e.getMessage()));
        continue;
      }
      try {
        ProviderInfo info = client.init(g.pluginSettings(), g.pluginConfigJson());
        checks.add(
            new PluginCheck(g, true, "provider " + info.id() + ", version " + info.version()));
      } catch (RuntimeException e) {
        checks.add(new PluginCheck(g, false, "Init refused: " + e.getMessage()));
      } finally {
        client.close();
      }
    }
    return checks;
  }
}
