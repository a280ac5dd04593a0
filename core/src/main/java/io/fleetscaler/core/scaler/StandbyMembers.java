package io.fleetscaler.core.scaler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The standby pool's table of members: who is in the pool (suspended, being suspended, or resuming)
 * and which instances came out of it by a resume. It knows nothing of the cloud or the plan; {@link
 * StandbyTransitions} and {@link StandbyRetirement} move members in and out, {@link StandbyPool}
 * answers the provisioner's questions from it.
 *
 * <p>Not thread-safe: every method runs under the scaler's control lock (the provisioner's side).
 */
final class StandbyMembers {
  /** A member of the pool; mutable, guarded by the control lock. */
  static final class Member {
    final String id;
    Instant since;
    boolean cloudSuspended;
    boolean resuming;
    Instant resumeAskedAt;

    Member(String id, Instant since) {
      this.id = id;
      this.since = since;
      this.resumeAskedAt = since;
    }
  }

  // Insertion order is pooling order: the oldest members are resumed (and expire) first.
  private final Map<String, Member> members = new LinkedHashMap<>();
  private final Set<String> resumed = new HashSet<>();

  /** Takes {@code id} into the pool, its age counting from {@code now}. */
  void join(String id, Instant now) {
    members.put(id, new Member(id, now));
  }

  @Nullable Member get(String id) {
    return members.get(id);
  }

  /** Takes {@code id} out of the pool (it is deleted or gone); no-op if it is no member. */
  void remove(String id) {
    members.remove(id);
  }

  /** A member came out of the pool by a resume: it serves from now on. */
  void served(String id) {
    members.remove(id);
    resumed.add(id);
  }

  /** Every member, oldest first. */
  Collection<Member> all() {
    return members.values();
  }

  boolean isEmpty() {
    return members.isEmpty();
  }

  /** Members suspended or being suspended (not those resuming). */
  int pooled() {
    int n = 0;
    for (Member m : members.values()) {
      n += m.resuming ? 0 : 1;
    }
    return n;
  }

  /** The pool for operators, with the {@code target} the active policy asks for. */
  StandbyStatus status(int target) {
    int count = 0;
    Instant oldest = null;
    for (Member m : members.values()) {
      if (!m.resuming) {
        count++;
        oldest = oldest == null || m.since.isBefore(oldest) ? m.since : oldest;
      }
    }
    return new StandbyStatus(count, members.size() - count, target, oldest);
  }

  /** Up to {@code n} members the cloud reports suspended and not resuming, oldest first. */
  List<String> resumable(int n) {
    List<String> ids = new ArrayList<>();
    for (Member m : members.values()) {
      if (ids.size() == n) {
        break;
      }
      if (m.cloudSuspended && !m.resuming) {
        ids.add(m.id);
      }
    }
    return ids;
  }

  /** Whether the instance came out of the pool (its boot-to-ready time was recorded then). */
  boolean wasResumed(String id) {
    return resumed.contains(id);
  }

  /** Whether a member is on its way into suspension: the loop polls faster until it is there. */
  boolean settling() {
    for (Member m : members.values()) {
      if (!m.cloudSuspended && !m.resuming) {
        return true;
      }
    }
    return false;
  }

  /** The instance left the table. */
  void forget(String id) {
    members.remove(id);
    resumed.remove(id);
  }

  /** Whether the instance is a member to save with {@link StandbyPool#MARK}. */
  boolean saved(Provisioner.Tracked t) {
    Member m = members.get(t.id);
    return m != null && !m.resuming && t.deletionReason == null;
  }
}
