package io.fleetscaler.daemon;

import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.daemon.api.ApiServer;
import io.fleetscaler.daemon.api.ApiServerSettings;
import io.fleetscaler.daemon.config.DaemonConfig;
import io.fleetscaler.daemon.config.DaemonSettings;
import io.fleetscaler.daemon.config.GroupConfig;
import io.fleetscaler.daemon.config.ListenAddress;
import io.fleetscaler.daemon.http.DaemonMeters;
import io.fleetscaler.daemon.http.HttpEndpoints;
import io.fleetscaler.daemon.http.Readiness;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.fleetscaler.plugin.sdk.PluginProcess;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One running daemon: a plugin and a {@link TaskScaler} per group, the gRPC API over them, the HTTP
 * endpoints, SIGHUP reloads of the configuration file, and an ordered stop on SIGTERM (the API
 * first, then every scaler, then the endpoints, then every plugin and its process tree).
 */
final class Daemon {
  private final DaemonConfig config;
  private final @Nullable Path configFile;
  private final boolean inProcess;
  private final PrintWriter out;
  private final PrintWriter err;
  private final List<StartedGroup> groups = new ArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final PrometheusMeterRegistry registry = DaemonMeters.registry();
  private final ListenPorts ports;
  private volatile boolean stopping;

  /**
   * @param ports the listening addresses, bound before any plugin starts; released just before the
   *     API and the HTTP endpoints bind them
   */
  Daemon(
      DaemonConfig config,
      @Nullable Path configFile,
      boolean inProcess,
      PrintWriter out,
      PrintWriter err,
      ListenPorts ports) {
    this.config = config;
    this.configFile = configFile;
    this.inProcess = inProcess;
    this.out = out;
    this.err = err;
    this.ports = ports;
  }

  /** Runs until SIGTERM; returns the exit status (1 when something could not start). */
  int run() throws InterruptedException {
    // The plugin SDK kills plugin processes a grace period after the JVM starts exiting; a
    // shutdown that deletes instances must be able to poll the plugin until they are gone.
    Duration longestDeletion =
        config.groups().stream()
            .map(GroupConfig::shutdownDeletionWait)
            .max(Duration::compareTo)
            .orElse(Duration.ZERO);
    if (!longestDeletion.isZero()) {
      PluginProcess.exitGraceAtLeast(longestDeletion.plus(Duration.ofSeconds(15)));
    }
    for (GroupConfig g : config.groups()) {
      String problem = start(g);
      if (problem != null) {
        err.println("fleetscaler: group " + g.name() + ": " + problem);
        err.flush();
        ports.close();
        stopGroups();
        return 1;
      }
    }
    ports.close();
    ApiServerSettings apiSettings = apiSettings(config.daemon());
    Map<String, TaskScaler> scalers = new LinkedHashMap<>();
    Map<String, Duration> acquireTimeouts = new LinkedHashMap<>();
    for (StartedGroup g : groups) {
      scalers.put(g.config().name(), g.scaler());
      acquireTimeouts.put(g.config().name(), g.config().instanceAcquireTimeout());
    }
    ApiServer api;
    try {
      api = ApiServer.start(apiSettings, scalers, acquireTimeouts);
    } catch (IllegalStateException | IllegalArgumentException e) {
      err.println("fleetscaler: gRPC API: " + e.getMessage());
      err.flush();
      stopGroups();
      return 1;
    }
    HttpEndpoints endpoints;
    try {
      InetSocketAddress http = ListenAddress.parse(config.daemon().httpListen()).toSocketAddress();
      endpoints = HttpEndpoints.start(http, registry::scrape, this::readiness);
    } catch (IllegalStateException | IllegalArgumentException e) {
      err.println("fleetscaler: " + e.getMessage());
      err.flush();
      api.close();
      stopGroups();
      return 1;
    }
    installReload();
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform().name("fleetscaler-shutdown").unstarted(() -> stop(api, endpoints)));
    InetSocketAddress bound = endpoints.address();
    InetSocketAddress grpc = api.address();
    out.printf(
        "fleetscaler: scaling %s; metrics at http://%s:%d/metrics; gRPC API on %s:%d (%s);"
            + " Ctrl-C stops%n",
        groups.stream().map(Daemon::summary).collect(Collectors.joining("; ")),
        bound.getHostString(),
        bound.getPort(),
        grpc.getHostString(),
        grpc.getPort(),
        security(apiSettings));
    out.flush();
    stopped.await();
    return 0;
  }

  /** Starts one group; returns why it could not start, or null. */
  private @Nullable String start(GroupConfig g) {
    PluginClient client;
    try {
      client = PluginLauncher.open(g.plugin(), inProcess);
    } catch (RuntimeException e) {
      return "plugin " + g.plugin().name() + " did not start: " + e.getMessage();
    }
    // Every meter of the group carries its name, so groups never collide on one registry.
    CompositeMeterRegistry groupMeters = new CompositeMeterRegistry();
    groupMeters.config().commonTags("group", g.name());
    groupMeters.add(registry);
    TaskScaler scaler;
    try {
      scaler =
          g.applyTo(TaskScaler.builder(client))
              .meterRegistry(groupMeters)
              .decisionListener(
                  new DecisionLog(g.name(), g.capacityPerInstance(), g.maxInstances()))
              .build();
    } catch (ProviderException | IllegalArgumentException | UncheckedIOException e) {
      client.close();
      return "plugin " + g.plugin().name() + ": " + e.getMessage();
    }
    Gauge.builder("fleetscaler.plugin.restarts", client, PluginClient::restarts)
        .description("Times the plugin process was restarted after a crash")
        .tag("plugin", client.name())
        .register(groupMeters);
    // fleetscaler_policy_idle_target comes with the scaler's own meters: a gauge here that took a
    // snapshot would make every scrape wait for the scaler's lock, held across plugin calls.
    groups.add(new StartedGroup(g, client, scaler));
    return null;
  }

  private void installReload() {
    Map<String, TaskScaler> scalers = new LinkedHashMap<>();
    groups.forEach(g -> scalers.put(g.config().name(), g.scaler()));
    ConfigReload.installOnHangup(configFile, config, scalers, () -> stopping);
  }

  private Readiness readiness() {
    if (stopping) {
      return new Readiness(false, "shutting down");
    }
    List<String> serving = new ArrayList<>();
    for (StartedGroup g : groups) {
      String why = g.notReady(inProcess);
      if (why != null) {
        return new Readiness(false, why);
      }
      serving.add("plugin " + g.client().name() + " serving");
    }
    return new Readiness(true, String.join(", ", serving));
  }

  /** The gRPC API's settings from the daemon's ({@code [daemon]}, {@code tls}, {@code auth}). */
  static ApiServerSettings apiSettings(DaemonSettings d) {
    return new ApiServerSettings(
        d.grpcListen(), d.tlsCertFile(), d.tlsKeyFile(), d.tlsClientCaFile(), d.authTokenFile());
  }

  /** How the API authenticates callers, for the start-up line; never the credentials. */
  private static String security(ApiServerSettings s) {
    List<String> parts = new ArrayList<>();
    parts.add(s.tls() ? "TLS" : "plaintext");
    if (s.clientCaFile() != null) {
      parts.add("client certificates");
    }
    if (s.tokenFile() != null) {
      parts.add("bearer token");
    }
    if (s.clientCaFile() == null && s.tokenFile() == null) {
      parts.add("unauthenticated");
    }
    return String.join(", ", parts);
  }

  private void stop(ApiServer api, HttpEndpoints endpoints) {
    stopping = true;
    // Printed, not logged: java.util.logging closes its handlers in its own shutdown hook.
    out.println("fleetscaler: stopping (the API, then the scalers, then the plugins)");
    out.flush();
    try {
      api.close();
    } catch (RuntimeException e) {
      out.println("fleetscaler: gRPC API stop failed: " + e);
    }
    for (StartedGroup g : groups) {
      try {
        g.scaler().shutdown();
      } catch (RuntimeException e) {
        out.println("fleetscaler: group " + g.config().name() + ": scaler shutdown failed: " + e);
      }
    }
    endpoints.close();
    for (StartedGroup g : groups) {
      g.client().close();
    }
    out.println("fleetscaler: stopped");
    out.flush();
    stopped.countDown();
  }

  private void stopGroups() {
    for (StartedGroup g : groups) {
      g.scaler().shutdown();
      g.client().close();
    }
    groups.clear();
  }

  private static String summary(StartedGroup g) {
    GroupConfig c = g.config();
    return String.format(
        "group %s with plugin %s (capacity %d per instance, at most %d instances, %d policies)",
        c.name(),
        g.client().name(),
        c.capacityPerInstance(),
        c.maxInstances(),
        c.policies().size());
  }
}
