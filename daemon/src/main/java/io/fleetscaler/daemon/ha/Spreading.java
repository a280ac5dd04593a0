package io.fleetscaler.daemon.ha;

import com.google.protobuf.ByteString;
import io.fleetscaler.proto.etcd.KeyValue;
import io.fleetscaler.proto.etcd.LeaseGrantResponse;
import io.fleetscaler.proto.etcd.PutRequest;
import io.fleetscaler.proto.etcd.RangeRequest;
import io.fleetscaler.proto.etcd.RangeResponse;
import io.fleetscaler.proto.etcd.RequestOp;
import io.fleetscaler.proto.etcd.TxnRequest;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Spreads the shards of a sharded set over its live nodes: this node's member key, and the {@link
 * CampaignGate} of each of its shards' elections.
 *
 * <p><b>Members.</b> Each node keeps {@code <prefix>/members/<node>} (a {@code LeaderRecord}: its
 * name and API address) under a lease of its own, kept alive like an election's, and reads the
 * member prefix every poll interval: the live nodes are the keys present (this node always counts
 * itself).
 *
 * <p><b>Share.</b> A node campaigns for a shard only while it leads fewer than {@code ceil(shards /
 * live nodes)}. Each shard has a preferred node: shards are taken in name order, and each goes to
 * the live node with the highest rendezvous hash of (shard, node) that has not yet been given its
 * share. Every node computes the same assignment from the same member keys. The preferred node
 * campaigns at once; the others only once the shard's leader key has been absent for at least one
 * poll interval, so any live node still takes a shard whose preferred node does not. A shard whose
 * key has been absent a whole TTL is taken by any node whatever its share (the gate fails open: a
 * hand-on corrects the overshoot later). A stopping node campaigns for nothing more.
 *
 * <p><b>Handing on.</b> A node leading more than its share (a node joined) hands on the shard whose
 * term is youngest, but only once its share has stayed the same for the hold-down (three TTLs): a
 * node that comes and goes does not make shards bounce. The election ends the term first and
 * resigns after ({@link LeaderElection.Listener#handOn}).
 *
 * <p>The gate only delays campaigns and ends terms early; who leads is still decided by the
 * campaign transaction on the shard's leader key, and every write is still fenced on that key.
 */
public final class Spreading implements CampaignGate, LeaseKeeper.Owner, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(LeaderElection.class.getName());

  private final HaSettings settings;
  private final List<String> shards;
  private final EtcdConnection etcd;
  private final LeaseValidity validity;
  private final LeaseKeeper keeper;
  private final ByteString prefix;
  private final ByteString memberKey;
  private final ByteString record;
  private final Duration poll;
  private final ShareGate gate;
  private final Thread thread;
  private final FaultLog faults = new FaultLog(LOG);

  private volatile long lease;
  private volatile boolean closed;

  private Spreading(HaSettings settings, List<String> shards, EtcdConnection etcd) {
    this.settings = settings;
    this.shards = List.copyOf(new TreeSet<>(shards));
    this.poll = EtcdElection.pollOf(settings.leaseTtl());
    this.gate =
        new ShareGate(
            settings.node(),
            this.shards,
            System::nanoTime,
            poll.toNanos(),
            settings.leaseTtl().toNanos(),
            settings.leaseTtl().multipliedBy(3).toNanos());
    this.etcd = etcd;
    this.validity = new LeaseValidity(System::nanoTime, settings.safetyMargin());
    this.keeper = new LeaseKeeper(etcd, validity, settings.leaseTtl().dividedBy(3), this);
    String members = settings.keyPrefix() + "/members/";
    this.prefix = ByteString.copyFromUtf8(members);
    this.memberKey = ByteString.copyFromUtf8(members + settings.node());
    this.record = ElectionTxns.record(settings);
    this.thread = Thread.ofPlatform().daemon().name("fleetscaler-ha-members").unstarted(this::run);
  }

  /**
   * Connects to etcd and starts keeping this node's member key and reading the others'; returns at
   * once. {@code shards} are every shard of the configuration.
   */
  public static Spreading start(HaSettings settings, List<String> shards) {
    Spreading s = new Spreading(settings, shards, EtcdConnection.open(settings));
    s.thread.start();
    return s;
  }

  /** The live nodes as last read (this node included). */
  public Set<String> live() {
    return gate.live();
  }

  /** How many shards this node may lead now: {@code ceil(shards / live nodes)}. */
  public int share() {
    return gate.share();
  }

  private void run() {
    while (!closed) {
      try {
        // Only when etcd said the lease is gone (a keep-alive answered TTL 0, or the key is
        // missing): a local clock check that lapsed (a pause, a slow etcd) is no reason to leave.
        if (lease == 0) {
          join();
        }
        readMembers();
        faults.clear();
      } catch (StatusRuntimeException e) {
        etcd.failed(e);
        faults.report("etcd at " + etcd.endpoint() + " did not answer the member keys", e);
      } catch (RuntimeException e) {
        // Whatever it is, the member thread goes on: a dead one would leave the live set stale.
        faults.report("keeping this node's member key failed", e);
      }
      synchronized (this) {
        if (!closed) {
          try {
            wait(Math.max(1, poll.toMillis()));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  /** A new member lease and this node's key under it. */
  private void join() {
    long old = lease;
    lease = 0;
    keeper.stop();
    if (old != 0) {
      new ElectionTxns(etcd, memberKey, record).revokeQuietly(old);
    }
    long sent = validity.now();
    LeaseGrantResponse r = new ElectionTxns(etcd, memberKey, record).grant(settings.leaseTtl());
    validity.renewed(sent, r.getTTL());
    keeper.keep(r.getID(), sent);
    var unused =
        etcd.kv(ElectionTxns.CALL_DEADLINE)
            .txn(
                TxnRequest.newBuilder()
                    .addSuccess(
                        RequestOp.newBuilder()
                            .setRequestPut(
                                PutRequest.newBuilder()
                                    .setKey(memberKey)
                                    .setValue(record)
                                    .setLease(r.getID())))
                    .build());
    lease = r.getID();
  }

  private void readMembers() {
    RangeResponse r =
        etcd.kv(ElectionTxns.CALL_DEADLINE)
            .range(
                RangeRequest.newBuilder()
                    .setKey(prefix)
                    .setRangeEnd(prefixEnd(prefix))
                    .setKeysOnly(false)
                    .build());
    Set<String> now = new TreeSet<>();
    now.add(settings.node());
    boolean mine = false;
    for (KeyValue kv : r.getKvsList()) {
      String node = kv.getKey().substring(prefix.size()).toString(StandardCharsets.UTF_8);
      mine |= node.equals(settings.node());
      if (ElectionTxns.leaderOf(kv) != null) {
        now.add(node); // else not a member record: not a node
      }
    }
    if (!mine) {
      lease = 0; // the key is gone (lease expired, or removed): join again at the next step
    }
    gate.members(now);
  }

  private static ByteString prefixEnd(ByteString prefix) {
    byte[] end = prefix.toByteArray();
    end[end.length - 1]++;
    return ByteString.copyFrom(end);
  }

  @Override
  public boolean mayCampaign(String shard, long absentNanos) {
    return gate.mayCampaign(shard, absentNanos);
  }

  @Override
  public void released(String shard) {
    gate.released(shard);
  }

  @Override
  public boolean shouldResign(String shard) {
    return gate.shouldResign(shard);
  }

  @Override
  public void leading(String shard, boolean leads) {
    gate.leading(shard, leads);
  }

  @Override
  public void leaseExpired() {
    lease = 0;
  }

  @Override
  public void renewLatency(Duration latency) {}

  /**
   * From now on this node campaigns for no shard and hands none on: it is stopping. Call before
   * ending its terms, then {@link #close} before resigning them.
   */
  public void stopCampaigning() {
    gate.stopCampaigning();
  }

  /**
   * Deletes this node's member key (revokes its lease) and stops, so the other nodes count it out
   * at once. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      notifyAll();
    }
    try {
      thread.join(ElectionTxns.CALL_DEADLINE.toMillis() * 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    keeper.close();
    long l = lease;
    if (l != 0) {
      new ElectionTxns(etcd, memberKey, record).revokeQuietly(l);
    }
    etcd.close();
  }
}
