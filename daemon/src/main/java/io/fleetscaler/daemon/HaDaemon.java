package io.fleetscaler.daemon;

import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.daemon.api.ApiServer;
import io.fleetscaler.daemon.api.ApiServerSettings;
import io.fleetscaler.daemon.config.DaemonConfig;
import io.fleetscaler.daemon.config.GroupConfig;
import io.fleetscaler.daemon.config.ListenAddress;
import io.fleetscaler.daemon.ha.HaApi;
import io.fleetscaler.daemon.ha.HaSettings;
import io.fleetscaler.daemon.ha.Leader;
import io.fleetscaler.daemon.ha.LeaderElection;
import io.fleetscaler.daemon.ha.Spreading;
import io.fleetscaler.daemon.http.DaemonMeters;
import io.fleetscaler.daemon.http.HttpEndpoints;
import io.fleetscaler.daemon.http.Readiness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * The daemon with {@code [daemon.ha]}: one node of an active/standby set on etcd.
 *
 * <p>Every node loads its configuration, serves its API through the standby gate (a node that does
 * not surely lead answers {@code UNAVAILABLE} with a {@code NotLeader} detail naming the leader)
 * and campaigns. The node that wins starts a {@link LeaderTerm}: the groups' plugins and scalers,
 * with their state in etcd fenced on this term and every plugin call behind the lease guard; the
 * scalers' restart adoption takes over what the previous leader left. When the term ends (the lease
 * lapsed, another node's key appeared) the guard has already stopped every plugin call and the gate
 * every request; the term then stops its scalers <em>without</em> deleting instances (they belong
 * to the next leader) and its plugins. SIGTERM stops the API, ends the term (its last state save
 * still fenced on a valid term), then resigns at once so a standby, watching the key, leads at
 * once.
 *
 * <p>Groups may be split over several shards ({@code shard} keys): each shard is an election of its
 * own with its own term ({@link ShardLeadership}), so nodes lead different shards at once. With one
 * shard every call passes the standby gate above; with several, each call is routed by the group it
 * names ({@link io.fleetscaler.daemon.api.GroupRoutes}).
 */
final class HaDaemon {
  private static final System.Logger LOG = System.getLogger("io.fleetscaler.daemon.ha");

  private final DaemonConfig config;
  private final HaSettings ha;
  private final @Nullable Path configFile;
  private final PrintWriter out;
  private final PrintWriter err;
  private final PrometheusMeterRegistry registry = DaemonMeters.registry();
  private final Map<String, TermScaler> scalers = new LinkedHashMap<>();
  private final Map<String, ShardLeadership> shards = new LinkedHashMap<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  // Several shards: this node's member key and the gate that spreads the shards.
  private @Nullable Spreading spreading;
  private volatile boolean stopping;
  // The shards whose term this node last reported leading (under this).
  private List<String> reported = List.of();
  // The listening addresses, held from before the plugins warm up until the servers bind.
  private final ListenPorts ports;

  HaDaemon(
      DaemonConfig config,
      HaSettings ha,
      @Nullable Path configFile,
      boolean inProcess,
      PrintWriter out,
      PrintWriter err,
      ListenPorts ports) {
    this.config = config;
    this.ports = ports;
    this.ha = ha;
    this.configFile = configFile;
    this.out = out;
    this.err = err;
    for (GroupConfig g : config.groups()) {
      scalers.put(g.name(), new TermScaler(g.name(), g.policies()));
    }
    config
        .groupsByShard()
        .forEach(
            (shard, groups) -> {
              Map<String, TermScaler> own = new LinkedHashMap<>();
              groups.forEach(g -> own.put(g.name(), scalers.get(g.name())));
              shards.put(
                  shard,
                  new ShardLeadership(
                      ha.withElection(shard), groups, inProcess, registry, own, this::report));
            });
  }

  /** Runs until SIGTERM; returns the exit status (1 when something could not start). */
  int run() throws InterruptedException {
    // Warm before campaigning: a node that could win before its plugins run would make the
    // failover wait for a process start. (Each shard's term thread takes its plugins over.)
    shards.values().forEach(ShardLeadership::warmUp);
    try {
      Spreading spread =
          shards.size() == 1 ? null : Spreading.start(ha, List.copyOf(shards.keySet()));
      spreading = spread;
      for (ShardLeadership s : shards.values()) {
        s.campaign(
            listener ->
                spread == null
                    ? LeaderElection.start(s.settings(), listener)
                    : LeaderElection.start(s.settings(), listener, spread));
      }
    } catch (RuntimeException ex) {
      err.println("fleetscaler: [daemon.ha]: cannot use etcd: " + ex.getMessage());
      err.flush();
      resignAll();
      ports.close();
      return 1;
    }
    ApiServerSettings apiSettings = Daemon.apiSettings(config.daemon());
    Map<String, Duration> acquireTimeouts = new LinkedHashMap<>();
    config.groups().forEach(g -> acquireTimeouts.put(g.name(), g.instanceAcquireTimeout()));
    ApiServer api;
    ports.close();
    try {
      api = startApi(apiSettings, acquireTimeouts);
    } catch (IllegalStateException | IllegalArgumentException ex) {
      err.println("fleetscaler: gRPC API: " + ex.getMessage());
      err.flush();
      resignAll();
      return 1;
    }
    HttpEndpoints endpoints;
    try {
      InetSocketAddress http = ListenAddress.parse(config.daemon().httpListen()).toSocketAddress();
      endpoints = HttpEndpoints.start(http, registry::scrape, this::readiness);
    } catch (IllegalStateException | IllegalArgumentException ex) {
      err.println("fleetscaler: " + ex.getMessage());
      err.flush();
      api.close();
      resignAll();
      return 1;
    }
    installReload();
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform().name("fleetscaler-shutdown").unstarted(() -> stop(api, endpoints)));
    InetSocketAddress bound = endpoints.address();
    InetSocketAddress grpc = api.address();
    out.printf(
        "fleetscaler: node %s of %s on etcd %s (lease %ds), %d groups; metrics at"
            + " http://%s:%d/metrics; gRPC API on %s:%d, advertised as %s; Ctrl-C stops%n",
        ha.node(),
        shards.size() == 1
            ? "election " + shards.keySet().iterator().next()
            : "shards " + shards.keySet(),
        ha.etcdEndpoints(),
        ha.leaseTtl().toSeconds(),
        config.groups().size(),
        bound.getHostString(),
        bound.getPort(),
        grpc.getHostString(),
        grpc.getPort(),
        ha.apiAddress());
    out.flush();
    stopped.await();
    return 0;
  }

  /**
   * One shard: every call passes the standby gate, as before shards. Several: each call is routed
   * by its group to this node or to the leader of the group's shard.
   */
  private ApiServer startApi(ApiServerSettings settings, Map<String, Duration> acquireTimeouts) {
    Map<String, TaskScaler> groups = new LinkedHashMap<>(scalers);
    if (shards.size() == 1) {
      ShardLeadership only = shards.values().iterator().next();
      LeaderElection e = only.election().orElseThrow();
      return ApiServer.start(
          settings,
          groups,
          acquireTimeouts,
          HaApi.standbyGate(e, ha.node(), only::hasTerm, only.shard()));
    }
    Map<String, ShardLeadership> byGroup = new LinkedHashMap<>();
    config.groups().forEach(g -> byGroup.put(g.name(), shards.get(config.shardOf(g.name()))));
    return ApiServer.start(
        settings,
        groups,
        acquireTimeouts,
        new ShardRoutes(byGroup, shards.values().iterator().next()));
  }

  /** Logs which shards this node leads, once per change (called on the shards' term threads). */
  private synchronized void report() {
    List<String> led =
        shards.values().stream().filter(ShardLeadership::hasTerm).map(s -> s.shard()).toList();
    if (shards.size() > 1 && !led.equals(reported)) {
      LOG.log(
          Level.INFO,
          "node {0} now leads {1} of {2} shards: {3}",
          ha.node(),
          led.size(),
          shards.size(),
          led);
    }
    reported = led;
  }

  private Readiness readiness() {
    if (stopping) {
      return new Readiness(false, "shutting down");
    }
    if (shards.size() == 1) {
      ShardLeadership only = shards.values().iterator().next();
      if (!only.serving()) {
        return new Readiness(false, "node " + ha.node() + " stands by" + leaderOf(only));
      }
      return only.readiness();
    }
    List<String> led = new ArrayList<>();
    List<String> others = new ArrayList<>();
    boolean ready = true;
    String why = "";
    for (ShardLeadership s : shards.values()) {
      if (s.hasTerm()) {
        led.add(s.shard());
        Readiness r = s.readiness();
        if (!r.ready() && ready) {
          ready = false;
          why = "; shard " + s.shard() + " not ready: " + r.reason();
        }
      } else {
        others.add("shard " + s.shard() + leaderOf(s));
      }
    }
    if (led.isEmpty()) {
      return new Readiness(
          false, "node " + ha.node() + " stands by for every shard: " + String.join(", ", others));
    }
    return new Readiness(
        ready,
        "node "
            + ha.node()
            + " leads shards "
            + led
            + why
            + (others.isEmpty() ? "" : "; " + String.join(", ", others)));
  }

  private String leaderOf(ShardLeadership s) {
    @Nullable Leader l = s.leader().orElse(null);
    return l == null || l.node().equals(ha.node())
        ? "; no leader known"
        : "; the leader is " + l.node() + " at " + l.apiAddress();
  }

  private void installReload() {
    ConfigReload.installOnHangup(
        configFile, config, new LinkedHashMap<String, TaskScaler>(scalers), () -> stopping);
  }

  /**
   * SIGTERM: stops campaigning and deletes the member key, stops the API, ends every shard's term
   * (each on its own thread, at once; the last saves fenced on terms still valid), then resigns
   * every shard at once.
   */
  private void stop(ApiServer api, HttpEndpoints endpoints) {
    stopping = true;
    out.println("fleetscaler: stopping (the API, then the scalers, then resigning)");
    out.flush();
    Spreading spread = spreading;
    if (spread != null) {
      // Campaign for nothing more, and leave the member keys at once: the other nodes count this
      // one out and take its shards as soon as each is resigned.
      spread.stopCampaigning();
      spread.close();
    }
    try {
      api.close();
    } catch (RuntimeException ex) {
      out.println("fleetscaler: gRPC API stop failed: " + ex);
    }
    shards.values().forEach(ShardLeadership::beginStop);
    try {
      for (ShardLeadership s : shards.values()) {
        if (!s.awaitStop(Duration.ofSeconds(30))) {
          out.println(
              "fleetscaler: the scalers of shard "
                  + s.shard()
                  + " did not stop within 30s; resigning anyway");
        }
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
    resignAll();
    endpoints.close();
    out.println("fleetscaler: stopped");
    out.flush();
    stopped.countDown();
  }

  /** Resigns every shard at once (each on its own thread), then deletes this node's member key. */
  private void resignAll() {
    List<Thread> resigning = new ArrayList<>();
    for (ShardLeadership s : shards.values()) {
      resigning.add(Thread.ofVirtual().start(s::resign));
    }
    for (Thread t : resigning) {
      try {
        t.join();
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
    }
    Spreading spread = spreading;
    if (spread != null) {
      spread.close();
    }
  }
}
