package io.fleetscaler.daemon;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.daemon.config.ConfigError;
import io.fleetscaler.daemon.config.ConfigException;
import io.fleetscaler.daemon.config.ConfigFile;
import io.fleetscaler.daemon.config.DaemonConfig;
import io.fleetscaler.daemon.config.DaemonSettings;
import io.fleetscaler.daemon.config.GroupConfig;
import io.fleetscaler.daemon.config.PluginRef;
import io.fleetscaler.daemon.ha.HaSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fleetscaler validate --config FILE}: loads the file exactly as {@code run} would and makes
 * every check {@code run} makes before it starts that needs no cloud (the gRPC API's exposure, TLS
 * material and token file, each group's connector key, the state directory), then prints the groups
 * it understood (exit 0) or every error with file, line and key (exit 2). With {@code --plugins} it
 * also starts each group's plugin and calls {@code Init} with its {@code plugin_config}, so that a
 * plugin that does not start or refuses its configuration fails here and not in {@code run}.
 * Warnings go to stderr either way.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Check a configuration file: print its groups (exit 0) or every error (exit 2).")
final class ValidateCommand implements Callable<Integer> {

  @Spec
  @SuppressWarnings("NullAway.Init") // injected by picocli before call()
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", required = true, description = "The file.")
  @SuppressWarnings("NullAway.Init") // required: picocli sets it or fails with exit 2
  Path config;

  @Option(
      names = "--plugins",
      description =
          "Also start each group's plugin and call Init with its plugin_config (creates nothing).")
  boolean plugins;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (config.toString().isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--config: an empty path names no file");
    }
    List<ConfigError> warnings = new ArrayList<>();
    try {
      DaemonConfig loaded = ConfigFile.load(config, warnings::add);
      warnings.forEach(w -> err.println("warning: " + w));
      List<String> problems = new ArrayList<>(Preflight.offline(loaded));
      List<Preflight.PluginCheck> checks =
          plugins && problems.isEmpty() ? Preflight.plugins(loaded, false) : List.of();
      checks.stream().filter(c -> !c.ok()).forEach(c -> problems.add(c.toString()));
      if (!problems.isEmpty()) {
        problems.forEach(p -> err.println(config + ": " + p));
        int n = problems.size();
        err.println("fleetscaler: " + config + ": " + n + (n == 1 ? " error" : " errors"));
        err.flush();
        return 2;
      }
      Preflight.haWarnings(loaded).forEach(w -> err.println("warning: " + w));
      err.flush();
      print(out, loaded);
      if (plugins) {
        checks.forEach(out::println);
      } else {
        out.println("plugins: not started (validate --plugins starts each and calls Init)");
      }
      out.flush();
      return 0;
    } catch (ConfigException e) {
      warnings.forEach(w -> err.println("warning: " + w));
      e.errors().forEach(err::println);
      err.println("fleetscaler: " + config + ": " + RunCommand.count(e));
      err.flush();
      return 2;
    }
  }

  private void print(PrintWriter out, DaemonConfig c) {
    DaemonSettings d = c.daemon();
    out.printf(
        "%s: valid, %d %s%n",
        config, c.groups().size(), c.groups().size() == 1 ? "group" : "groups");
    out.printf(
        "daemon: http_listen %s, grpc_listen %s, log_format %s, tls %s, token auth %s%n",
        d.httpListen(),
        d.grpcListen(),
        d.logFormat().configName(),
        d.tlsCertFile() == null ? "off" : "on",
        d.authTokenFile() == null ? "off" : "on");
    HaSettings ha = c.ha();
    if (ha != null) {
      out.printf(
          "ha: node %s (advertised %s) in election %s on etcd %s; lease_ttl %ds, key_prefix %s,"
              + " etcd tls %s, etcd auth %s%n",
          ha.node(),
          ha.apiAddress(),
          ha.election(),
          ha.etcdEndpoints(),
          ha.leaseTtl().toSeconds(),
          ha.keyPrefix(),
          ha.etcdEndpoints().stream().anyMatch(u -> "https".equals(u.getScheme())) ? "on" : "off",
          ha.username() == null ? "off" : "on");
    }
    for (GroupConfig g : c.groups()) {
      String plugin =
          switch (g.plugin()) {
            case PluginRef.BuiltIn b -> b.name() + " (built in)";
            case PluginRef.Executable e -> e.path().toString();
          };
      out.printf(
          "group \"%s\": plugin %s; capacity_per_instance %d, max_instances %d, max_use_count %s,"
              + " update_interval %s, delete_instances_on_shutdown %s%n",
          g.name(),
          plugin,
          g.capacityPerInstance(),
          g.maxInstances(),
          g.maxUseCount() == 0 ? "unlimited" : Integer.toString(g.maxUseCount()),
          Durations.human(g.updateInterval()),
          g.deleteInstancesOnShutdown());
      if (g.policies().isEmpty()) {
        out.println("  no policies: idle_count 0 at all times");
      }
      for (int i = 0; i < g.policies().size(); i++) {
        Policy p = g.policies().get(i);
        out.printf(
            "  policy[%d]: periods %s in %s; idle_count %d, idle_time %s, scale_factor %s"
                + " (limit %d), preemptive_mode %s%n",
            i,
            p.periods(),
            p.timezone(),
            p.idleCount(),
            Durations.human(p.idleTime()),
            p.scaleFactor(),
            p.scaleFactorLimit(),
            p.preemptiveMode());
      }
    }
  }
}
