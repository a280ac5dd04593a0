package io.fleetscaler.daemon.ha;

import io.fleetscaler.core.lease.LeaseGuard;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The leader's own view of how long its lease surely lives, by its monotonic clock: the {@link
 * LeaseGuard} of a high-availability daemon.
 *
 * <h2>Why this bound is safe</h2>
 *
 * etcd starts a lease's TTL (again) when its leader <em>receives</em> the grant or keep-alive
 * request, which is after this process sent it. So if the request was sent at local time {@code s}
 * and the answer says TTL {@code T}, etcd cannot expire the lease before {@code s + T} in this
 * process's clock, up to the difference of the two clocks' rates. {@link #renewed} records {@code s
 * + T - margin}; {@link #holds} compares the monotonic clock with it. The margin (a quarter of the
 * TTL, at least 500 ms) absorbs clock-rate differences (parts per million in practice) and the time
 * between a caller's check and its action. An etcd leader change only extends leases (etcd 3.4
 * restarts every TTL on a new raft leader), so it never makes this bound optimistic. What it cannot
 * see: a lease revoked by someone else (an operator running {@code etcdctl lease revoke}); state
 * writes are fenced against that, plugin calls are not.
 *
 * <p>Thread-safety: one volatile {@code long}; {@link #renewed} keeps the later bound of racing
 * renewals, so an old answer arriving late never shortens it below a newer one.
 */
final class LeaseValidity implements LeaseGuard {
  private final LongSupplier nanoClock;
  private final long marginNanos;
  private volatile long validUntil;
  private volatile boolean valid;

  /**
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime} in production)
   * @param margin how long before the earliest possible expiry the guard stops holding
   */
  LeaseValidity(LongSupplier nanoClock, Duration margin) {
    this.nanoClock = nanoClock;
    this.marginNanos = margin.toNanos();
  }

  /** The clock this bound is measured on. */
  long now() {
    return nanoClock.getAsLong();
  }

  /**
   * Notes that etcd granted or renewed the lease for {@code ttlSeconds} in answer to a request sent
   * at {@code sentAtNanos} (read from {@link #now} before sending).
   */
  synchronized void renewed(long sentAtNanos, long ttlSeconds) {
    long until = sentAtNanos + Duration.ofSeconds(ttlSeconds).toNanos() - marginNanos;
    if (!valid || until - validUntil > 0) {
      validUntil = until;
      valid = true;
    }
  }

  /** Forgets the lease: the guard stops holding at once (lease lost, resigned or revoked). */
  synchronized void lost() {
    valid = false;
  }

  @Override
  public boolean holds() {
    return valid && validUntil - nanoClock.getAsLong() > 0;
  }

  /** How long the guard still holds (zero if it does not). */
  Duration remaining() {
    long left = validUntil - nanoClock.getAsLong();
    return valid && left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
  }
}
