package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.daemon.api.ApiClientSettings;
import io.fleetscaler.daemon.api.LeaderFollowingClient;
import io.fleetscaler.proto.v1.AcquireRequest;
import io.fleetscaler.proto.v1.AcquireResponse;
import io.fleetscaler.proto.v1.ReleaseRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A runner manager as the HA tests drive it: one key, cycling acquire, hold, release against any
 * node of the set through {@link LeaderFollowingClient}, retrying each call until it succeeds. It
 * records what a failover must never do: a slot handed to two keys at once ({@link #doubled}), a
 * held slot the leader no longer knows ({@link #lost}), a failure whose status does not tell the
 * client to retry ({@link #badStatuses}), and each hold's instance and interval ({@link #holds}).
 */
final class RunnerManager implements Runnable {
  /** Statuses that tell a client to retry (the call may be made again, as is). */
  static final Set<Status.Code> RETRY =
      Set.of(
          Status.Code.UNAVAILABLE,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.ABORTED,
          Status.Code.RESOURCE_EXHAUSTED);

  /** One held slot, from the answer to the release call. */
  record Hold(String key, String instanceId, long fromMillis, long toMillis) {}

  /** Who holds each instance/slot now, shared by every manager of a test. */
  final Map<String, String> holders;

  final ConcurrentLinkedQueue<Hold> holds;
  final ConcurrentLinkedQueue<String> badStatuses = new ConcurrentLinkedQueue<>();
  final AtomicLong doubled = new AtomicLong();
  final AtomicLong lost = new AtomicLong();
  final AtomicLong cycles = new AtomicLong();
  final AtomicLong retried = new AtomicLong();
  private final String key;
  private final String group;
  private final List<String> apis;
  private final Random random;
  private volatile boolean stop;
  private int next;

  RunnerManager(
      String key,
      List<String> apis,
      long seed,
      Map<String, String> holders,
      ConcurrentLinkedQueue<Hold> holds) {
    this("ha", key, apis, seed, holders, holds);
  }

  /** A runner manager of group {@code group}. */
  RunnerManager(
      String group,
      String key,
      List<String> apis,
      long seed,
      Map<String, String> holders,
      ConcurrentLinkedQueue<Hold> holds) {
    this.group = group;
    this.key = key;
    this.apis = apis;
    this.random = new Random(seed);
    this.holders = holders;
    this.holds = holds;
  }

  static Map<String, String> sharedHolders() {
    return new ConcurrentHashMap<>();
  }

  void stop() {
    stop = true;
  }

  @Override
  public void run() {
    LeaderFollowingClient client = connect();
    try {
      while (!stop) {
        AcquireResponse got = null;
        while (got == null) {
          try {
            got =
                client.call(
                    s ->
                        s.withDeadlineAfter(25, TimeUnit.SECONDS)
                            .acquire(
                                AcquireRequest.newBuilder().setGroup(group).setKey(key).build()));
          } catch (StatusRuntimeException e) {
            client = failed(client, e);
          }
        }
        long from = System.currentTimeMillis();
        String slot = got.getInstanceId() + "/" + got.getSlot();
        String other = holders.putIfAbsent(slot, key);
        if (other != null && !other.equals(key)) {
          doubled.incrementAndGet();
        }
        pause(random.nextInt(150));
        holders.remove(slot, key);
        long to = System.currentTimeMillis();
        holds.add(new Hold(key, got.getInstanceId(), from, to));
        boolean ambiguous = false;
        Boolean released = null;
        while (released == null) {
          try {
            released =
                client.call(
                    s ->
                        s.withDeadlineAfter(10, TimeUnit.SECONDS)
                            .release(
                                ReleaseRequest.newBuilder().setGroup(group).setKey(key).build())
                            .getReleased());
          } catch (StatusRuntimeException e) {
            ambiguous = true;
            client = failed(client, e);
          }
        }
        if (!released && !ambiguous) {
          lost.incrementAndGet();
        }
        cycles.incrementAndGet();
      }
    } finally {
      client.close();
    }
  }

  private LeaderFollowingClient connect() {
    String api = apis.get(next++ % apis.size());
    return LeaderFollowingClient.connect(ApiClientSettings.plaintext(api));
  }

  /** Records the failure; moves to the next node when the current one gave no leader. */
  private LeaderFollowingClient failed(LeaderFollowingClient client, StatusRuntimeException e) {
    retried.incrementAndGet();
    if (!RETRY.contains(e.getStatus().getCode())) {
      badStatuses.add(e.getStatus().toString());
    }
    client.close();
    pause(100);
    return connect();
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Asserts that this runner manager met none of what a failover must never do: a status that does
   * not say retry, a slot handed to two keys, a held slot the leader forgot. {@code logs} (the
   * daemons' output) goes into the failure message.
   */
  void assertNothingLostOrDoubled(String logs) {
    assertThat(badStatuses).as("statuses that do not say retry\n%s", logs).isEmpty();
    assertThat(doubled.get()).as("slots handed to two keys").isZero();
    assertThat(lost.get()).as("held slots the leader forgot").isZero();
  }
}
