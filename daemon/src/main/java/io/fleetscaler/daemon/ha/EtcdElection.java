package io.fleetscaler.daemon.ha;

import com.google.protobuf.ByteString;
import io.fleetscaler.core.lease.LeaseGuard;
import io.fleetscaler.core.state.StateStore;
import io.fleetscaler.proto.etcd.KeyValue;
import io.fleetscaler.proto.etcd.LeaseGrantResponse;
import io.fleetscaler.proto.etcd.RangeResponse;
import io.fleetscaler.proto.etcd.TxnResponse;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The {@link LeaderElection} on etcd: a lease, a leader key created under it by a transaction that
 * succeeds only if the key is absent, a keep-alive stream ({@link LeaseKeeper}), a watch on the
 * leader key ({@link LeaderWatch}) and one thread that campaigns, or checks that the key is still
 * its own, whenever the watch reports the key deleted (or, leading, changed) and at least every
 * poll interval (a sixth of the TTL, at most one second) as a safety net.
 *
 * <p>State, all written by the election thread except where noted: {@code lease} (0 when none),
 * {@code fence} (non-null exactly while leading; also cleared by the keeper when etcd says the
 * lease is gone, under {@code this}), {@code seen} (the leader as of etcd revision {@code
 * seenRevision}, null when the key is gone; written under {@code this} by the election thread and
 * the watch, the later revision winning; {@code absentSince} with it: when the key was first seen
 * absent), {@code woken} (under {@code this}: step again at once).
 *
 * <p>In a sharded set a {@link CampaignGate} decides when a standby campaigns and when a leader
 * hands its shard on; it only delays a campaign or ends a term early (see {@link Spreading}). The
 * etcd requests themselves are in {@link ElectionTxns}.
 *
 * <p>Over 400 lines on purpose: campaign, confirm, hand-on, step-down and close are one state
 * machine over {@code lease}, {@code fence} and the hand-on fences, changed under one lock and in
 * an order the fencing argument depends on (the guard stops holding before a key can go); spread
 * over several classes, that order would be spread with it. What has no part in it (the etcd
 * requests, the keep-alive, the watch, the gate) lives elsewhere already.
 */
final class EtcdElection implements LeaderElection, LeaseKeeper.Owner {
  private static final System.Logger LOG = System.getLogger(LeaderElection.class.getName());
  private static final long PRESENT = Long.MIN_VALUE;

  private final HaSettings settings;
  private final Listener listener;
  private final EtcdConnection etcd;
  private final LeaseValidity validity;
  private final ByteString leaderKey;
  private final ByteString record;
  private final Duration poll;
  private final Thread thread;
  private final AtomicLong transitions = new AtomicLong();
  private final AtomicLong fencedWrites = new AtomicLong();
  private final FaultLog faults = new FaultLog(LOG);
  private final LeaseKeeper keeper;
  private final LeaderWatch watch;
  private final ElectionTxns txns;
  private final CampaignGate gate;

  private volatile long lease;
  private volatile @Nullable Fence fence;
  private volatile @Nullable Leader seen;
  private long seenRevision;
  private long absentSince = PRESENT;
  private boolean woken;
  private volatile boolean closed;
  // Under this: the term the listener was told to hand on, and that term once the listener is done.
  private @Nullable Fence handingOn;
  private @Nullable Fence handedOn;

  private EtcdElection(
      HaSettings settings,
      Listener listener,
      EtcdConnection etcd,
      LongSupplier nanoClock,
      @Nullable Duration pollOverride,
      CampaignGate gate) {
    this.gate = gate;
    this.settings = settings;
    this.listener = listener;
    this.etcd = etcd;
    this.validity = new LeaseValidity(nanoClock, settings.safetyMargin());
    this.leaderKey = ByteString.copyFromUtf8(settings.leaderKey());
    this.record = ElectionTxns.record(settings);
    this.poll = pollOverride != null ? pollOverride : pollOf(settings.leaseTtl());
    this.txns = new ElectionTxns(etcd, leaderKey, record);
    this.keeper = new LeaseKeeper(etcd, validity, settings.leaseTtl().dividedBy(3), this);
    this.watch = new LeaderWatch(etcd, leaderKey, new WatchEvents());
    this.thread = Thread.ofPlatform().daemon().name("fleetscaler-ha-election").unstarted(this::run);
  }

  /** The poll interval of a lease of {@code ttl}: a sixth of it, at most one second. */
  static Duration pollOf(Duration ttl) {
    Duration sixth = ttl.dividedBy(6);
    return sixth.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : sixth;
  }

  static EtcdElection start(HaSettings settings, Listener listener) {
    return start(settings, listener, null);
  }

  /**
   * As {@link #start(HaSettings, Listener)}, polling every {@code poll} instead of the default (so
   * a test can leave the work to the watch alone).
   */
  static EtcdElection start(HaSettings settings, Listener listener, @Nullable Duration poll) {
    return start(settings, listener, poll, CampaignGate.ALWAYS);
  }

  /** As {@link #start(HaSettings, Listener, Duration)}, campaigning only when {@code gate} lets. */
  static EtcdElection start(
      HaSettings settings, Listener listener, @Nullable Duration poll, CampaignGate gate) {
    var etcd = EtcdConnection.open(settings);
    EtcdElection e = new EtcdElection(settings, listener, etcd, System::nanoTime, poll, gate);
    e.thread.start();
    return e;
  }

  private void run() {
    while (!closed) {
      try {
        watch.ensureOpen();
        step();
        faults.clear();
      } catch (StatusRuntimeException e) {
        etcd.failed(e);
        faults.report("etcd at " + etcd.endpoint() + " did not answer the election", e);
      }
      synchronized (this) {
        if (!closed && !woken) {
          try {
            wait(Math.max(1, poll.toMillis()));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        woken = false;
      }
    }
  }

  /** Makes the election thread step again at once (or as soon as its current step ends). */
  private synchronized void wake() {
    woken = true;
    notifyAll();
  }

  /**
   * Notes the leader as of etcd revision {@code revision} (null: no leader key), unless a later
   * revision was seen already: the watch and the election thread both report, in any order.
   */
  private synchronized void see(@Nullable Leader leader, long revision) {
    if (revision >= seenRevision) {
      if (leader != null) {
        absentSince = PRESENT;
      } else if (seen != null || absentSince == PRESENT) {
        absentSince = validity.now();
      }
      seen = leader;
      seenRevision = revision;
    }
  }

  /** The watch's reports: a deleted key wakes a standby, any change wakes a leader. */
  private final class WatchEvents implements LeaderWatch.Events {
    @Override
    public void opened() {
      synchronized (EtcdElection.this) {
        // A new stream: the step it wakes reads the key afresh, whatever revision etcd is at now
        // (an etcd rebuilt from nothing counts revisions from 1 again).
        seenRevision = 0;
      }
      wake();
    }

    @Override
    public void changed(@Nullable KeyValue now, long revision) {
      see(now == null ? null : ElectionTxns.leaderOf(now), revision);
      if (now == null || fence != null) {
        wake();
      }
    }
  }

  private void step() {
    Fence f = fence;
    if (f != null && !validity.holds() && lapsedForATtl()) {
      stepDown("no renewal of the lease answered for a whole TTL");
      return;
    }
    if (lease == 0) {
      grant();
    }
    if (fence == null) {
      if (gate.mayCampaign(settings.election(), absentFor())) {
        boolean won = false;
        try {
          won = campaign();
        } finally {
          if (!won) {
            gate.released(settings.election());
          }
        }
      } else {
        look();
      }
    } else {
      confirm();
      Fence done = handedOn();
      if (done != null) {
        resignHandedOn(done);
      } else if (fence != null && !handingOn() && gate.shouldResign(settings.election())) {
        handOn();
      }
    }
  }

  private synchronized @Nullable Fence handedOn() {
    return handedOn != null && handedOn.equals(fence) ? handedOn : null;
  }

  private synchronized boolean handingOn() {
    return handingOn != null;
  }

  /**
   * The gate says hand the shard on: the listener ends the term while the fence and the guard still
   * hold, then says it is done, and only then does the next step resign ({@link #resignHandedOn}).
   * The gate is not asked again for this term meanwhile.
   */
  private void handOn() {
    Fence f;
    synchronized (this) {
      f = fence;
      if (f == null) {
        return;
      }
      handingOn = f;
    }
    LOG.log(
        System.Logger.Level.INFO,
        "this node ({0}) hands election {1} on (it leads more than its share): ending the term,"
            + " then resigning",
        settings.node(),
        settings.election());
    listener.handOn(
        () -> {
          synchronized (this) {
            if (f.equals(handingOn)) {
              handedOn = f;
            }
          }
          wake();
        });
  }

  /** The listener ended term {@code f}: delete its key if still this term's, revoke the lease. */
  private void resignHandedOn(Fence f) {
    long oldLease;
    synchronized (this) {
      if (!f.equals(fence)) {
        return; // the term ended otherwise meanwhile (the normal step-down told the listener)
      }
      validity.lost();
      fence = null;
      handingOn = null;
      handedOn = null;
      oldLease = lease;
      lease = 0;
    }
    keeper.stop();
    txns.resign(f, settings.node(), settings.election());
    if (oldLease != 0) {
      txns.revokeQuietly(oldLease);
    }
    synchronized (this) {
      gate.leading(settings.election(), false);
    }
    transitions.incrementAndGet();
    listener.deposed("handed on");
  }

  /** How long the leader key has been seen absent; 0 while present or not yet read. */
  private synchronized long absentFor() {
    return seen != null || absentSince == PRESENT ? 0 : validity.now() - absentSince;
  }

  /** Reads the leader key (a standby the gate holds back still knows who leads). */
  private void look() {
    RangeResponse r = txns.read();
    see(
        r.getKvsCount() == 0 ? null : ElectionTxns.leaderOf(r.getKvs(0)),
        r.getHeader().getRevision());
  }

  private boolean lapsedForATtl() {
    return keeper.sinceLastAnswer() > settings.leaseTtl().toNanos();
  }

  private void grant() {
    long sent = validity.now();
    LeaseGrantResponse r = txns.grant(settings.leaseTtl());
    lease = r.getID();
    validity.renewed(sent, r.getTTL());
    keeper.keep(r.getID(), sent);
  }

  /** One campaign transaction; whether this node now leads. */
  private boolean campaign() {
    long id = lease;
    TxnResponse r = txns.campaign(id);
    if (r.getSucceeded()) {
      return lead(r.getHeader().getRevision());
    }
    RangeResponse range = r.getResponses(0).getResponseRange();
    if (range.getKvsCount() == 0) {
      see(null, r.getHeader().getRevision());
      return false; // deleted in between: campaign again at the next step
    }
    KeyValue kv = range.getKvs(0);
    see(ElectionTxns.leaderOf(kv), r.getHeader().getRevision());
    // Our own put whose answer was lost: this term is ours.
    return kv.getLease() == id && validity.holds() && lead(kv.getCreateRevision());
  }

  private boolean lead(long createRevision) {
    synchronized (this) {
      if (lease == 0 || !validity.holds()) {
        return false; // the lease ended while campaigning
      }
      fence = new Fence(leaderKey, createRevision);
      // Under the lock that sets the fence: a step-down (the keeper's thread) clearing it reports
      // the end of this term only after its beginning.
      gate.leading(settings.election(), true);
    }
    see(new Leader(settings.node(), settings.apiAddress()), createRevision);
    transitions.incrementAndGet();
    LOG.log(
        System.Logger.Level.INFO,
        "this node ({0}) now leads election {1} (leader key revision {2})",
        settings.node(),
        settings.election(),
        String.valueOf(createRevision));
    listener.elected();
    return true;
  }

  private void confirm() {
    Fence f = fence;
    RangeResponse r = txns.read();
    if (f == null) {
      return;
    }
    if (r.getKvsCount() == 0) {
      see(null, r.getHeader().getRevision());
      stepDown("the leader key is gone from etcd");
    } else if (r.getKvs(0).getCreateRevision() != f.createRevision()) {
      see(ElectionTxns.leaderOf(r.getKvs(0)), r.getHeader().getRevision());
      stepDown("another node's leader key replaced this node's");
    }
  }

  /** Called by the keeper (its thread) when etcd says the lease no longer exists. */
  @Override
  public void leaseExpired() {
    stepDown("etcd says the lease expired");
  }

  private void stepDown(String why) {
    Fence was;
    long oldLease;
    synchronized (this) {
      validity.lost();
      was = fence;
      fence = null;
      handingOn = null;
      handedOn = null;
      oldLease = lease;
      lease = 0;
      if (was != null) {
        gate.leading(settings.election(), false);
      }
    }
    keeper.stop();
    if (oldLease != 0) {
      txns.revokeQuietly(oldLease);
    }
    if (was != null) {
      transitions.incrementAndGet();
      LOG.log(
          System.Logger.Level.WARNING,
          "this node ({0}) no longer leads election {1}: {2}",
          settings.node(),
          settings.election(),
          why);
      listener.deposed(why);
    }
  }

  @Override
  public void renewLatency(Duration latency) {
    listener.renewed(latency);
  }

  /** The fence of the current term, or null while not leading. */
  @Nullable Fence fence() {
    return fence;
  }

  EtcdConnection connection() {
    return etcd;
  }

  @Override
  public Role role() {
    return fence != null ? Role.LEADER : Role.STANDBY;
  }

  @Override
  public Optional<Leader> leader() {
    return Optional.ofNullable(seen);
  }

  @Override
  public long transitions() {
    return transitions.get();
  }

  @Override
  public long fencedWrites() {
    return fencedWrites.get();
  }

  @Override
  public LeaseGuard guard() {
    return () -> fence != null && validity.holds();
  }

  @Override
  public Duration guardRemaining() {
    return fence != null ? validity.remaining() : Duration.ZERO;
  }

  @Override
  public StateStore stateStore(String groupId) {
    return new EtcdStateStore(
        etcd, settings.statePrefix(), groupId, this::fence, fencedWrites::incrementAndGet);
  }

  @Override
  public void close() {
    Fence was;
    long oldLease;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      validity.lost();
      woken = true;
      was = fence;
      fence = null;
      oldLease = lease;
      lease = 0;
      notifyAll();
    }
    try {
      thread.join(ElectionTxns.CALL_DEADLINE.toMillis() * 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    keeper.close();
    watch.close();
    if (was != null) {
      // Told before the key goes, so the listener hears of it before any other node can lead.
      gate.leading(settings.election(), false);
      transitions.incrementAndGet();
      listener.deposed("resigned");
      txns.resign(was, settings.node(), settings.election());
    }
    if (oldLease != 0) {
      txns.revokeQuietly(oldLease);
    }
    etcd.close();
  }
}
