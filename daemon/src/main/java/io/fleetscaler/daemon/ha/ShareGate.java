package io.fleetscaler.daemon.ha;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The decisions of {@link Spreading}, without etcd: given the live nodes last read and the shards
 * this node leads or campaigns for, whether an election may campaign and whether a leader should
 * hand its shard on. See {@link Spreading} for the rules.
 *
 * <p>A campaign {@link #mayCampaign} allows reserves a slot of this node's share until it ends:
 * {@link #leading} (won) or {@link #released} (not won), so the elections of one node, stepping on
 * their own threads at once, cannot take more than its share between them.
 *
 * <p>Thread-safety: every method runs under {@code this}.
 */
final class ShareGate implements CampaignGate {
  private static final System.Logger LOG = System.getLogger(LeaderElection.class.getName());

  private final String node;
  private final List<String> shards;
  private final LongSupplier clock;
  private final long preferredWaitNanos;
  private final long anyWaitNanos;
  private final long holdDownNanos;
  // Shard -> when this node's term of it began (clock).
  private final Map<String, Long> ledSince = new HashMap<>();
  // Shards whose campaign mayCampaign allowed and that has not ended yet.
  private final Set<String> campaigning = new HashSet<>();

  private Set<String> live;
  private int share;
  private long shareSince;
  private boolean membersRead;
  private boolean stopped;

  /**
   * @param preferredWaitNanos how long a shard's key must be absent before a node that is not its
   *     preferred one campaigns for it (a poll interval)
   * @param anyWaitNanos how long a shard's key must be absent before this node campaigns whatever
   *     its share (a lease TTL: nobody leads it, and a hand-on corrects an overshoot later)
   * @param holdDownNanos how long the share must stay the same before a shard is handed on
   */
  ShareGate(
      String node,
      List<String> shards,
      LongSupplier clock,
      long preferredWaitNanos,
      long anyWaitNanos,
      long holdDownNanos) {
    this.node = node;
    this.shards = List.copyOf(new TreeSet<>(shards));
    this.clock = clock;
    this.preferredWaitNanos = preferredWaitNanos;
    this.anyWaitNanos = anyWaitNanos;
    this.holdDownNanos = holdDownNanos;
    this.live = Set.of(node);
    this.share = this.shards.size();
    this.shareSince = clock.getAsLong();
  }

  /** The live nodes as last read (this node included). */
  synchronized Set<String> live() {
    return live;
  }

  /** How many shards this node may lead now: {@code ceil(shards / live nodes)}. */
  synchronized int share() {
    return share;
  }

  /** The member keys were read: {@code nodes} are live (this node counts whatever they say). */
  synchronized void members(Set<String> nodes) {
    Set<String> now = new TreeSet<>(nodes);
    now.add(node);
    int s = (shards.size() + now.size() - 1) / now.size();
    if (s != share) {
      shareSince = clock.getAsLong();
    }
    if (!now.equals(live)) {
      LOG.log(
          System.Logger.Level.INFO,
          "node {0} sees {1} live nodes {2}: it leads at most {3} of {4} shards",
          node,
          now.size(),
          now,
          s,
          shards.size());
    }
    live = Set.copyOf(now);
    share = s;
    membersRead = true;
  }

  /** From now on no campaign is allowed and no shard handed on: this node is stopping. */
  synchronized void stopCampaigning() {
    stopped = true;
  }

  @Override
  public synchronized boolean mayCampaign(String shard, long absentNanos) {
    if (stopped) {
      return false;
    }
    boolean allowed;
    if (absentNanos >= anyWaitNanos) {
      allowed = true; // nobody has led it for a TTL: take it, whatever the share
    } else if (!membersRead || ledSince.size() + campaigning.size() >= share) {
      allowed = false; // who else is live is not known yet, or this node has its share
    } else {
      allowed =
          node.equals(assignment(shards, live, share).get(shard))
              || absentNanos >= preferredWaitNanos;
    }
    if (allowed) {
      campaigning.add(shard);
    }
    return allowed;
  }

  @Override
  public synchronized void released(String shard) {
    campaigning.remove(shard);
  }

  @Override
  public synchronized boolean shouldResign(String shard) {
    if (stopped || ledSince.size() <= share || clock.getAsLong() - shareSince < holdDownNanos) {
      return false;
    }
    String youngest = null;
    long latest = Long.MIN_VALUE;
    for (Map.Entry<String, Long> e : ledSince.entrySet()) {
      if (youngest == null || e.getValue() - latest > 0) {
        youngest = e.getKey();
        latest = e.getValue();
      }
    }
    return shard.equals(youngest);
  }

  @Override
  public synchronized void leading(String shard, boolean leads) {
    campaigning.remove(shard);
    if (leads) {
      ledSince.put(shard, clock.getAsLong());
    } else {
      ledSince.remove(shard);
    }
  }

  /** The shards this node leads, as the elections reported them. */
  synchronized Set<String> led() {
    return Set.copyOf(ledSince.keySet());
  }

  /** The preferred node of each shard for {@code nodes} and {@code perNode} shards each. */
  static Map<String, String> assignment(List<String> shards, Set<String> nodes, int perNode) {
    Map<String, Integer> given = new HashMap<>();
    Map<String, String> out = new HashMap<>();
    for (String shard : new TreeSet<>(shards)) {
      List<String> ranked = new ArrayList<>(nodes);
      ranked.sort(
          Comparator.comparingLong((String n) -> rendezvous(shard, n))
              .reversed()
              .thenComparing(Comparator.naturalOrder()));
      for (String n : ranked) {
        if (given.getOrDefault(n, 0) < perNode) {
          given.merge(n, 1, Integer::sum);
          out.put(shard, n);
          break;
        }
      }
    }
    return out;
  }

  /** A 64-bit hash of (shard, node) that every node computes alike (FNV-1a, then mixed). */
  static long rendezvous(String shard, String node) {
    long h = 0xcbf29ce484222325L;
    for (byte b : (shard + "\u0000" + node).getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }
}
