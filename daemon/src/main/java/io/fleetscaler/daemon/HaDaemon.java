package io.fleetscaler.daemon;

import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.daemon.api.ApiServer;
import io.fleetscaler.daemon.api.ApiServerSettings;
import io.fleetscaler.daemon.config.DaemonConfig;
import io.fleetscaler.daemon.config.GroupConfig;
import io.fleetscaler.daemon.config.ListenAddress;
import io.fleetscaler.daemon.ha.HaApi;
import io.fleetscaler.daemon.ha.HaMeters;
import io.fleetscaler.daemon.ha.HaSettings;
import io.fleetscaler.daemon.ha.Leader;
import io.fleetscaler.daemon.ha.LeaderElection;
import io.fleetscaler.daemon.http.DaemonMeters;
import io.fleetscaler.daemon.http.HttpEndpoints;
import io.fleetscaler.daemon.http.Readiness;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * <p>Terms start and stop on one thread, in the order the election reports them, never on the
 * election's own thread.
 */
final class HaDaemon implements LeaderElection.Listener {
  private static final System.Logger LOG = System.getLogger("io.fleetscaler.daemon.ha");
  private static final Duration RETRY_TERM = Duration.ofSeconds(2);

  private final DaemonConfig config;
  private final HaSettings ha;
  private final @Nullable Path configFile;
  private final boolean inProcess;
  private final PrintWriter out;
  private final PrintWriter err;
  private final PrometheusMeterRegistry registry = DaemonMeters.registry();
  private final Map<String, TermScaler> scalers = new LinkedHashMap<>();
  private final ExecutorService terms =
      Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().daemon().name("fleetscaler-ha-term").unstarted(r));
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final HaMeters meters = HaMeters.create(registry);
  // Plugins started while standing by, never called: a term starts without waiting for a process.
  // Touched only on the term thread (and by run() before the election starts).
  private final Map<String, PluginClient> warm = new HashMap<>();
  private @Nullable LeaderElection election;
  private volatile @Nullable LeaderTerm term;
  private volatile boolean stopping;
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
    this.inProcess = inProcess;
    this.out = out;
    this.err = err;
    for (GroupConfig g : config.groups()) {
      scalers.put(g.name(), new TermScaler(g.name(), g.policies()));
    }
  }

  /** Runs until SIGTERM; returns the exit status (1 when something could not start). */
  int run() throws InterruptedException {
    // Warm before campaigning: a node that could win before its plugins run would make the
    // failover wait for a process start. (The term thread takes the map over from here.)
    warmUp();
    LeaderElection e;
    try {
      e = LeaderElection.start(ha, this);
    } catch (RuntimeException ex) {
      err.println("fleetscaler: [daemon.ha]: cannot use etcd: " + ex.getMessage());
      err.flush();
      ports.close();
      return 1;
    }
    election = e;
    meters.bind(registry, e);
    ApiServerSettings apiSettings = Daemon.apiSettings(config.daemon());
    Map<String, Duration> acquireTimeouts = new LinkedHashMap<>();
    config.groups().forEach(g -> acquireTimeouts.put(g.name(), g.instanceAcquireTimeout()));
    ApiServer api;
    ports.close();
    try {
      api =
          ApiServer.start(
              apiSettings,
              new LinkedHashMap<String, TaskScaler>(scalers),
              acquireTimeouts,
              HaApi.standbyGate(e, ha.node(), () -> term != null));
    } catch (IllegalStateException | IllegalArgumentException ex) {
      err.println("fleetscaler: gRPC API: " + ex.getMessage());
      err.flush();
      e.close();
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
      e.close();
      return 1;
    }
    installReload();
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("fleetscaler-shutdown")
                .unstarted(() -> stop(api, endpoints, e)));
    InetSocketAddress bound = endpoints.address();
    InetSocketAddress grpc = api.address();
    out.printf(
        "fleetscaler: node %s of election %s on etcd %s (lease %ds), %d groups; metrics at"
            + " http://%s:%d/metrics; gRPC API on %s:%d, advertised as %s; Ctrl-C stops%n",
        ha.node(),
        ha.election(),
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

  @Override
  public void elected() {
    submit(this::startTerm);
  }

  @Override
  public void deposed(String why) {
    submit(() -> endTerm("no longer leads: " + why));
  }

  @Override
  public void renewed(Duration latency) {
    meters.renewed(latency);
  }

  private void submit(Runnable task) {
    try {
      terms.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException stoppedAlready) {
      // The daemon is stopping: its own stop ends the term.
    }
  }

  /** On the term thread: starts the groups if this node still leads; retries while it does. */
  private void startTerm() {
    LeaderElection e = election;
    if (stopping || e == null || term != null || !e.guard().holds()) {
      return;
    }
    LeaderTerm.Started started = LeaderTerm.start(config, e, inProcess, registry, warm);
    switch (started) {
      case LeaderTerm.Started.Ok ok -> {
        term = ok.term();
        ok.term().serve(scalers);
        LOG.log(Level.INFO, "node {0} leads: scaling {1}", ha.node(), scalers.keySet());
      }
      case LeaderTerm.Started.Failed f -> {
        LOG.log(
            Level.ERROR,
            "node {0} leads but could not start its groups ({1}); retrying in {2}",
            ha.node(),
            f.why(),
            RETRY_TERM);
        var unused =
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        Thread.sleep(RETRY_TERM);
                      } catch (InterruptedException ex) {
                        return;
                      }
                      submit(this::startTerm);
                    });
      }
    }
  }

  /** On the term thread: stops serving, then stops the scalers (no deletion) and the plugins. */
  private void endTerm(String why) {
    LeaderTerm t = term;
    if (t == null) {
      return;
    }
    term = null;
    scalers.values().forEach(s -> s.serve(null));
    t.stop();
    LOG.log(Level.WARNING, "node {0} stopped its scalers: {1}", ha.node(), why);
    if (!stopping) {
      warmUp();
    }
  }

  /**
   * On the term thread: starts each group's plugin process ahead of a term, so that taking over
   * costs no process start. Nothing calls it until this node leads. A plugin that does not start is
   * started again by the term.
   */
  private void warmUp() {
    for (GroupConfig g : config.groups()) {
      if (stopping || warm.containsKey(g.name())) {
        continue;
      }
      try {
        warm.put(g.name(), PluginLauncher.open(g.plugin(), inProcess));
      } catch (RuntimeException ex) {
        LOG.log(
            Level.WARNING,
            "group {0}: plugin {1} did not start ahead of a term: {2}",
            g.name(),
            g.plugin().name(),
            ex.getMessage());
      }
    }
  }

  /** On the term thread: stops the plugins started ahead of a term. */
  private void coolDown() {
    warm.values().forEach(PluginClient::close);
    warm.clear();
  }

  private Readiness readiness() {
    if (stopping) {
      return new Readiness(false, "shutting down");
    }
    LeaderElection e = election;
    LeaderTerm t = term;
    if (e == null || t == null || !e.guard().holds()) {
      @Nullable Leader l = e == null ? null : e.leader().orElse(null);
      return new Readiness(
          false,
          "node "
              + ha.node()
              + " stands by"
              + (l == null || l.node().equals(ha.node())
                  ? "; no leader known"
                  : "; the leader is " + l.node() + " at " + l.apiAddress()));
    }
    return t.readiness(inProcess);
  }

  private void installReload() {
    ConfigReload.installOnHangup(
        configFile, config, new LinkedHashMap<String, TaskScaler>(scalers), () -> stopping);
  }

  private void stop(ApiServer api, HttpEndpoints endpoints, LeaderElection e) {
    stopping = true;
    out.println("fleetscaler: stopping (the API, then the scalers, then resigning)");
    out.flush();
    try {
      api.close();
    } catch (RuntimeException ex) {
      out.println("fleetscaler: gRPC API stop failed: " + ex);
    }
    // The term thread ends the term while this node still leads: the last save is fenced on a
    // term that is still valid. Only then resign.
    submit(() -> endTerm("the daemon stops"));
    submit(this::coolDown);
    terms.shutdown();
    try {
      if (!terms.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
        out.println("fleetscaler: the scalers did not stop within 30s; resigning anyway");
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
    e.close();
    endpoints.close();
    out.println("fleetscaler: stopped");
    out.flush();
    stopped.countDown();
  }
}
