package io.fleetscaler.daemon;

import io.fleetscaler.daemon.config.GroupConfig;
import io.fleetscaler.daemon.ha.HaApi;
import io.fleetscaler.daemon.ha.HaMeters;
import io.fleetscaler.daemon.ha.HaSettings;
import io.fleetscaler.daemon.ha.Leader;
import io.fleetscaler.daemon.ha.LeaderElection;
import io.fleetscaler.daemon.http.Readiness;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * This node's part in one shard of a high-availability set: the shard's election, and while this
 * node leads it, the shard's {@link LeaderTerm} (its groups' plugins and scalers, their state
 * fenced on this election's term, their plugin calls behind its guard). Losing this shard's lease
 * stops only this shard's scalers.
 *
 * <p>Terms start and stop on the shard's own thread, in the order the election reports them, never
 * on the election's thread. Plugins are started ahead of a term (warm, never called) so that taking
 * the shard over costs no process start.
 */
final class ShardLeadership implements LeaderElection.Listener, ShardRoutes.Shard {
  private static final System.Logger LOG = System.getLogger("io.fleetscaler.daemon.ha");
  private static final Duration RETRY_TERM = Duration.ofSeconds(2);

  private final String shard;
  private final List<GroupConfig> groups;
  private final HaSettings ha;
  private final boolean inProcess;
  private final MeterRegistry registry;
  private final Map<String, TermScaler> scalers;
  private final Runnable changed;
  private final HaMeters meters;
  private final ExecutorService terms;
  // Touched only on the term thread (and by warmUp() before the election starts).
  private final Map<String, PluginClient> warm = new HashMap<>();
  private volatile @Nullable LeaderElection election;
  private volatile @Nullable LeaderTerm term;
  private volatile boolean stopping;
  // Set (on the election thread) when the election asks to hand the shard on: no term starts until
  // the next election of this node.
  private volatile boolean handingOn;

  /**
   * @param ha the settings of this shard's election ({@code election} is the shard's name)
   * @param scalers the API entries of this shard's groups
   * @param changed told (on the term thread) after each term starts or ends
   */
  ShardLeadership(
      HaSettings ha,
      List<GroupConfig> groups,
      boolean inProcess,
      MeterRegistry registry,
      Map<String, TermScaler> scalers,
      Runnable changed) {
    this.shard = ha.election();
    this.ha = ha;
    this.groups = List.copyOf(groups);
    this.inProcess = inProcess;
    this.registry = registry;
    this.scalers = Map.copyOf(scalers);
    this.changed = changed;
    this.meters = HaMeters.create(registry, shard);
    this.terms =
        Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().daemon().name("fleetscaler-ha-term-" + shard).unstarted(r));
  }

  String shard() {
    return shard;
  }

  @Override
  public String name() {
    return shard;
  }

  HaSettings settings() {
    return ha;
  }

  /** Starts the election, by {@code start} given this shard as its listener. */
  void campaign(Function<LeaderElection.Listener, LeaderElection> start) {
    LeaderElection e = start.apply(this);
    election = e;
    meters.bind(registry, e);
  }

  /** The election, once {@link #campaign} started it. */
  Optional<LeaderElection> election() {
    return Optional.ofNullable(election);
  }

  /** Whether this node surely leads the shard and its term serves: the shard's calls go here. */
  @Override
  public boolean serving() {
    LeaderElection e = election;
    return e != null && term != null && e.guard().holds();
  }

  /** Whether a term of this shard runs on this node (it may be unsure of its lease right now). */
  boolean hasTerm() {
    return term != null;
  }

  /** The leader of the shard as last seen, if known. */
  Optional<Leader> leader() {
    LeaderElection e = election;
    return e == null ? Optional.empty() : e.leader();
  }

  /**
   * The answer to a call naming {@code group} (empty: none) while this shard is not served here.
   */
  @Override
  public StatusRuntimeException notLeader(String group) {
    LeaderElection e = election;
    if (e == null) {
      throw new IllegalStateException("shard " + shard + " has not started campaigning");
    }
    return HaApi.notLeader(e, ha.node(), shard, group);
  }

  /** The readiness of the term this node runs for the shard; not ready without one. */
  Readiness readiness() {
    LeaderTerm t = term;
    if (t == null || !serving()) {
      return new Readiness(false, "shard " + shard + ": no term serving");
    }
    return t.readiness(inProcess);
  }

  @Override
  public void elected() {
    handingOn = false;
    submit(this::startTerm);
  }

  @Override
  public void deposed(String why) {
    submit(
        () -> {
          endTerm("no longer leads: " + why, Level.WARNING);
          warmUp();
        });
  }

  /**
   * Hands the shard on as SIGTERM does: on the term thread, ends the term while this node still
   * leads (no call served, scalers stopped without deleting instances, their last save fenced on a
   * valid term), and only then lets the election resign.
   */
  @Override
  public void handOn(Runnable done) {
    handingOn = true;
    submit(
        () -> {
          endTerm("handed on: this node leads more than its share of the shards", Level.INFO);
          done.run();
          warmUp();
        });
  }

  @Override
  public void renewed(Duration latency) {
    meters.renewed(latency);
  }

  private void submit(Runnable task) {
    try {
      terms.execute(task);
    } catch (RejectedExecutionException stoppedAlready) {
      // The daemon is stopping: its own stop ends the term.
    }
  }

  /** On the term thread: starts the groups if this node still leads; retries while it does. */
  private void startTerm() {
    LeaderElection e = election;
    if (stopping || handingOn || e == null || term != null || !e.guard().holds()) {
      return;
    }
    LeaderTerm.Started started = LeaderTerm.start(groups, e, inProcess, registry, warm);
    switch (started) {
      case LeaderTerm.Started.Ok ok -> {
        term = ok.term();
        ok.term().serve(scalers);
        LOG.log(
            Level.INFO,
            "node {0} leads shard {1}: scaling {2}",
            ha.node(),
            shard,
            groups.stream().map(GroupConfig::name).toList());
        changed.run();
      }
      case LeaderTerm.Started.Failed f -> {
        LOG.log(
            Level.ERROR,
            "node {0} leads shard {1} but could not start its groups ({2}); retrying in {3}",
            ha.node(),
            shard,
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
  private void endTerm(String why, Level level) {
    LeaderTerm t = term;
    if (t == null) {
      return;
    }
    term = null;
    scalers.values().forEach(s -> s.serve(null));
    t.stop();
    LOG.log(level, "node {0} stopped the scalers of shard {1}: {2}", ha.node(), shard, why);
    changed.run();
  }

  /**
   * Starts each group's plugin process ahead of a term, so that taking over costs no process start.
   * Nothing calls it until this node leads. A plugin that does not start is started again by the
   * term. Called before the election starts, then only on the term thread.
   */
  void warmUp() {
    for (GroupConfig g : groups) {
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

  /**
   * First half of stopping: ends the term on the term thread while this node still leads (the last
   * save is fenced on a term that is still valid), then stops the warm plugins. Returns at once.
   */
  void beginStop() {
    stopping = true;
    submit(() -> endTerm("the daemon stops", Level.WARNING));
    submit(
        () -> {
          warm.values().forEach(PluginClient::close);
          warm.clear();
        });
    terms.shutdown();
  }

  /** Waits until the term thread has done what {@link #beginStop} gave it; false if it did not. */
  boolean awaitStop(Duration limit) throws InterruptedException {
    return terms.awaitTermination(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Resigns (if leading) and closes the election. */
  void resign() {
    LeaderElection e = election;
    if (e != null) {
      e.close();
    }
  }
}
