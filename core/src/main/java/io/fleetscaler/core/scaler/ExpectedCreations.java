package io.fleetscaler.core.scaler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the cloud was asked to create and has not listed yet: granted requests (a count with their
 * times, since the cloud names instances only once it lists them) and <em>ambiguities</em>,
 * increases whose answer was lost or timed out, which may have started anything from none to all of
 * their instances.
 *
 * <p>An instance the cloud lists for the first time is matched to the oldest granted request, else
 * to the oldest ambiguity ({@link #match}): either way it is ours. An ambiguity counts as coming
 * capacity for {@link #SETTLE_UPDATES} successful updates, so the same demand is not asked for
 * twice while the cloud may still list it; until {@code creation_timeout} what is left of it still
 * counts toward {@code max_instances}, so the room it may take is never given away twice. Granted
 * requests never listed within {@code creation_timeout} are counted as failed creations.
 *
 * <p>Not thread-safe: used under the scaler's control lock.
 */
final class ExpectedCreations {

  /**
   * How many successful updates an ambiguity counts as coming capacity for. A cloud that applied
   * the lost call lists the instances (at least as creating) within a few updates; after that, the
   * demand is asked for again.
   */
  static final int SETTLE_UPDATES = 3;

  /** One increase without an answer. */
  private static final class Ambiguity {
    final Instant openedAt;
    int remaining;
    int updatesSince;

    Ambiguity(Instant openedAt, int remaining) {
      this.openedAt = openedAt;
      this.remaining = remaining;
    }

    boolean coming() {
      return updatesSince < SETTLE_UPDATES;
    }
  }

  private final Duration creationTimeout;
  private final ScalerMetrics metrics;
  private final ArrayDeque<Instant> granted = new ArrayDeque<>();
  private final ArrayDeque<Ambiguity> ambiguities = new ArrayDeque<>();

  ExpectedCreations(Duration creationTimeout, ScalerMetrics metrics) {
    this.creationTimeout = creationTimeout;
    this.metrics = metrics;
  }

  /** Notes {@code n} instances the cloud accepted at {@code now}, to be matched by updates. */
  void granted(int n, Instant now) {
    for (int i = 0; i < n; i++) {
      granted.addLast(now);
    }
  }

  /**
   * Notes an increase of {@code n} whose outcome is unknown (its answer was lost, or it timed out):
   * an open ambiguity that later updates settle.
   */
  void ambiguous(int n, Instant now) {
    if (n > 0) {
      ambiguities.addLast(new Ambiguity(now, n));
      metrics.ambiguityOpened(n);
    }
  }

  /**
   * Matches an instance listed for the first time to the oldest granted request, else to the oldest
   * open ambiguity (which it settles by one).
   *
   * @return when the matched request was made, or null if nothing of ours was open
   */
  @Nullable Instant match() {
    Instant at = granted.pollFirst();
    if (at != null) {
      return at;
    }
    Ambiguity a = ambiguities.peekFirst();
    if (a == null) {
      return null;
    }
    a.remaining--;
    metrics.ambiguityResolved("adopted", 1);
    if (a.remaining == 0) {
      ambiguities.pollFirst();
    }
    return a.openedAt;
  }

  /** A successful update was reconciled at {@code now}: ambiguities age, old entries expire. */
  void updated(Instant now) {
    for (Ambiguity a : ambiguities) {
      a.updatesSince++;
    }
    while (!granted.isEmpty() && !now.isBefore(granted.peekFirst().plus(creationTimeout))) {
      granted.pollFirst();
      metrics.failedCreation();
    }
    while (!ambiguities.isEmpty()
        && !now.isBefore(ambiguities.peekFirst().openedAt.plus(creationTimeout))) {
      metrics.ambiguityResolved("expired", ambiguities.pollFirst().remaining);
    }
  }

  /**
   * Takes back what a previous run of the scaler still expected ({@link #pending()} as it saved
   * it): each as an ambiguity opened when it was asked for. After a restart nothing says whether
   * the cloud still means to list those instances (the request may have been granted, or withdrawn
   * by the cloud meanwhile), which is exactly what an ambiguity is: an instance listed while it is
   * open is ours and is adopted, not deleted as {@code preexisting}; it counts as coming capacity
   * for {@link #SETTLE_UPDATES} updates and toward the maximum until {@code creation_timeout} after
   * the request, then it is forgotten. Those already past {@code creation_timeout} are dropped at
   * once.
   */
  void restore(List<Instant> requestedAt, Instant now) {
    Instant last = null;
    int n = 0;
    // Oldest first: ambiguities expire from the head of the queue.
    for (Instant at : requestedAt.stream().sorted().toList()) {
      if (!now.isBefore(at.plus(creationTimeout))) {
        continue;
      }
      if (at.equals(last)) {
        n++;
      } else {
        if (last != null) {
          ambiguous(n, last);
        }
        last = at;
        n = 1;
      }
    }
    if (last != null) {
      ambiguous(n, last);
    }
  }

  /**
   * When each instance still expected was asked for, oldest granted first, then what is left of
   * each ambiguity: what a restart must not mistake for {@code preexisting} (see {@link #restore}).
   */
  List<Instant> pending() {
    List<Instant> out = new ArrayList<>(granted.size() + ambiguities.size());
    out.addAll(granted);
    for (Ambiguity a : ambiguities) {
      for (int i = 0; i < a.remaining; i++) {
        out.add(a.openedAt);
      }
    }
    return out;
  }

  /** Whether anything is expected. */
  boolean any() {
    return !granted.isEmpty() || !ambiguities.isEmpty();
  }

  /** Granted requests not yet listed. */
  int granted() {
    return granted.size();
  }

  /** Instances open ambiguities may still bring, whether or not they count as capacity. */
  int ambiguous() {
    int n = 0;
    for (Ambiguity a : ambiguities) {
      n += a.remaining;
    }
    return n;
  }

  /** Granted requests and ambiguities that still count as coming capacity. */
  int coming() {
    int n = granted.size();
    for (Ambiguity a : ambiguities) {
      if (a.coming()) {
        n += a.remaining;
      }
    }
    return n;
  }

  /** What is left of ambiguities that no longer count as capacity: toward the maximum only. */
  int unsettled() {
    int n = 0;
    for (Ambiguity a : ambiguities) {
      if (!a.coming()) {
        n += a.remaining;
      }
    }
    return n;
  }
}
