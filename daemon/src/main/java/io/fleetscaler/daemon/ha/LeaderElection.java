package io.fleetscaler.daemon.ha;

import io.fleetscaler.core.lease.LeaseGuard;
import io.fleetscaler.core.state.StateStore;
import java.time.Duration;
import java.util.Optional;

/**
 * This node's part in one election on etcd: campaign, lead while the lease lives, watch the leader
 * while standing by, resign on close. See the package documentation for the design.
 *
 * <p>Thread-safety: every method may be called from any thread. Listener callbacks run on the
 * election's own thread, one at a time, in order.
 */
public interface LeaderElection extends AutoCloseable {

  /** Told about this node's transitions. Callbacks must not block for long. */
  interface Listener {
    /** This node now leads; the guard holds. */
    default void elected() {}

    /** This node no longer leads (the guard stopped holding before this call); {@code why} says. */
    default void deposed(String why) {}

    /**
     * This node should hand its term on (a sharded set: it leads more than its share). The leader
     * key stays, and the guard and the fence hold, until {@code done} runs: the listener ends its
     * term first (no call served, scalers stopped without deleting instances, the last state save
     * committed on the still valid term), then runs {@code done} (any thread), and only then does
     * the election resign (delete the key, revoke the lease) and call {@link #deposed}. If the term
     * ends otherwise meanwhile (the lease lapses) {@link #deposed} comes as usual and {@code done}
     * does nothing. The default hands on at once.
     */
    default void handOn(Runnable done) {
      done.run();
    }

    /** A keep-alive of the leader's lease was answered after {@code latency}. */
    default void renewed(Duration latency) {}
  }

  /**
   * Connects to etcd and starts campaigning on a background thread. Returns at once; {@link #role}
   * turns {@link Role#LEADER} when this node wins.
   */
  static LeaderElection start(HaSettings settings, Listener listener) {
    return EtcdElection.start(settings, listener);
  }

  /**
   * As {@link #start(HaSettings, Listener)} for one shard of a sharded set: campaigns only when
   * {@code spreading} lets (so the shards spread over the live nodes), and hands the shard on when
   * this node leads more than its share. See {@link Spreading}.
   */
  static LeaderElection start(HaSettings settings, Listener listener, Spreading spreading) {
    return EtcdElection.start(settings, listener, null, spreading);
  }

  /** What this node does now. */
  Role role();

  /** The leader as last seen in etcd (this node when it leads), or empty if none was seen. */
  Optional<Leader> leader();

  /** Leadership terms this node began and ended since it started. */
  long transitions();

  /**
   * State writes refused because this node's term had ended (normally the last saves of a leader
   * that steps down); nothing of them was written.
   */
  long fencedWrites();

  /**
   * The state store of the group {@code groupId} ({@code ProviderInfo.id}) in etcd, its writes
   * fenced on this node's leadership: a save while this node does not lead fails.
   */
  StateStore stateStore(String groupId);

  /** Holds while this node leads and its lease surely lives, by its own monotonic clock. */
  LeaseGuard guard();

  /**
   * How much longer {@link #guard} holds from now by the same clock, if nothing renews the lease
   * meanwhile; zero when it does not hold. The window a leader's plugin calls are sent in and acted
   * on (see {@code io.fleetscaler.plugin.sdk.CallWindow}).
   */
  Duration guardRemaining();

  /**
   * Resigns at once if leading (the guard stops holding first, then the leader key and the lease
   * are deleted, so a standby takes over without waiting for the TTL) and stops. Idempotent.
   */
  @Override
  void close();
}
