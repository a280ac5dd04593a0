package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.planner.FleetSnapshot;
import io.fleetscaler.core.planner.InstanceInfo;
import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.slots.InstanceView;
import io.fleetscaler.core.slots.SlotAllocator;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The provisioner: the table of expected instances, reconciled against the plugin's {@code update},
 * and the actuator applying the planner's plans.
 *
 * <p>Lifecycle of an entry: {@code requested} (a count with request times: the cloud names
 * instances only once it lists them) → {@code creating} → {@code running} → {@code ready} (in the
 * allocator) → {@code draining} → {@code deleting} → deleted (dropped). {@code timeout} entries are
 * deleted in the cloud; requests never listed within the creation timeout are counted as failed. An
 * entry that disappears from {@code update} without our deletion vanished: it is counted and its
 * slot holders are revoked with a cause through {@link SlotAllocator#remove}.
 *
 * <p>Not thread-safe: every method runs under the scaler's control lock. Plans are applied by the
 * {@link Actuator}.
 */
final class Provisioner {

  /** One known instance; mutable, guarded by the control lock. */
  static final class Tracked {
    final String id;
    final @Nullable Instant requestedAt;
    final Instant firstSeen;
    InstancePhase phase;
    @Nullable Instant readyAt;
    @Nullable Instant deleteRequestedAt;
    @Nullable Instant lastDeleteAttempt;
    boolean deleteAccepted;
    @Nullable DeletionReason drainReason;
    @Nullable Instant lastHeartbeat;
    int heartbeatFailures;

    Tracked(String id, @Nullable Instant requestedAt, Instant firstSeen, InstancePhase phase) {
      this.id = id;
      this.requestedAt = requestedAt;
      this.firstSeen = firstSeen;
      this.phase = phase;
    }

    boolean allocated() {
      return phase == InstancePhase.READY
          || phase == InstancePhase.UNHEALTHY
          || phase == InstancePhase.DRAINING;
    }
  }

  private final InstanceGroup group;
  private final SlotAllocator allocator;
  private final InstantSource clock;
  private final Duration creationTimeout;
  private final ScalerMetrics metrics;
  private final Map<String, Tracked> table = new LinkedHashMap<>();
  private final ArrayDeque<Instant> requested = new ArrayDeque<>();
  private final List<Tracked> deletedNow = new ArrayList<>();

  /** Last release per instance; written by request threads, read when planning. */
  final Map<String, Instant> lastRelease = new ConcurrentHashMap<>();

  Provisioner(
      InstanceGroup group,
      SlotAllocator allocator,
      InstantSource clock,
      Duration creationTimeout,
      ScalerMetrics metrics) {
    this.group = group;
    this.allocator = allocator;
    this.clock = clock;
    this.creationTimeout = creationTimeout;
    this.metrics = metrics;
  }

  /**
   * Polls the plugin and reconciles the table with what it reports.
   *
   * @return false if the update failed (counted as a missed update; the table is left as it was)
   */
  boolean update() {
    List<InstanceStatus> report;
    try {
      report = group.update();
      metrics.operation("update");
      noteDeleting(report);
    } catch (RuntimeException e) {
      metrics.missedUpdate(e);
      return false;
    }
    Instant now = clock.instant();
    Set<String> seen = new HashSet<>();
    for (InstanceStatus status : report) {
      seen.add(status.id());
      Tracked t = table.get(status.id());
      if (t == null) {
        if (status.state() == io.fleetscaler.plugin.api.InstanceState.DELETED) {
          continue;
        }
        Instant requestedAt = requested.pollFirst();
        t =
            new Tracked(
                status.id(),
                requestedAt,
                now,
                requestedAt == null ? InstancePhase.PREEXISTING : InstancePhase.CREATING);
        if (requestedAt != null) {
          metrics.creationTime(Duration.between(requestedAt, now));
        }
        table.put(t.id, t);
      }
      apply(t, status, now);
    }
    for (Tracked t : deletedNow) {
      gone(t, now);
      table.remove(t.id);
    }
    deletedNow.clear();
    for (Iterator<Tracked> it = table.values().iterator(); it.hasNext(); ) {
      Tracked t = it.next();
      if (!seen.contains(t.id)) {
        if (t.deleteRequestedAt == null) {
          metrics.vanished();
          revoke(t, "instance " + t.id + " vanished from the cloud");
        }
        gone(t, now);
        it.remove();
      }
    }
    expireRequests(now);
    return true;
  }

  private void apply(Tracked t, InstanceStatus status, Instant now) {
    switch (status.state()) {
      case CREATING, RESUMING, SUSPENDING, SUSPENDED -> {
        // Suspension is not driven by this scaler yet: such instances are not ready capacity.
        if (t.phase == InstancePhase.RUNNING) {
          t.phase = InstancePhase.CREATING;
        }
      }
      case RUNNING -> {
        if (t.phase == InstancePhase.CREATING || t.phase == InstancePhase.RUNNING) {
          if (t.requestedAt != null) {
            metrics.isRunningTime(Duration.between(t.requestedAt, now));
            metrics.readinessTime(Duration.between(t.requestedAt, now));
          }
          allocator.add(t.id);
          t.phase = InstancePhase.READY;
          t.readyAt = now;
        }
      }
      case DELETING -> {
        if (t.deleteRequestedAt == null) {
          revoke(t, "instance " + t.id + " is being deleted by the cloud");
          t.deleteRequestedAt = now;
          t.deleteAccepted = true;
        }
        t.phase = InstancePhase.DELETING;
      }
      case DELETED -> {
        if (t.deleteRequestedAt == null) {
          metrics.vanished();
          revoke(t, "instance " + t.id + " was deleted by the cloud");
        }
        t.phase = InstancePhase.DELETING;
        deletedNow.add(t);
      }
      case TIMEOUT -> {
        if (t.phase != InstancePhase.DELETING) {
          revoke(t, "instance " + t.id + " timed out in the cloud");
          t.phase = InstancePhase.TIMEOUT;
        }
      }
    }
  }

  /** Takes the instance out of the allocator, telling holders why, if it is there. */
  private void revoke(Tracked t, String cause) {
    if (t.allocated()) {
      allocator.remove(t.id, cause);
    }
    lastRelease.remove(t.id);
  }

  private void gone(Tracked t, Instant now) {
    Instant asked = t.deleteRequestedAt;
    if (asked != null) {
      metrics.deletionTime(Duration.between(asked, now));
    }
    metrics.lifeDuration(Duration.between(t.firstSeen, now));
    lastRelease.remove(t.id);
  }

  private void expireRequests(Instant now) {
    while (!requested.isEmpty() && !now.isBefore(requested.peekFirst().plus(creationTimeout))) {
      requested.pollFirst();
      metrics.failedCreation();
    }
  }

  /** Cloud-side deletion is visible: the last update listed it {@code deleting}. */
  private final Set<String> deletingReported = new HashSet<>();

  boolean deletingInCloud(String id) {
    return deletingReported.contains(id);
  }

  @Nullable Tracked tracked(String id) {
    return table.get(id);
  }

  Collection<Tracked> tracked() {
    return table.values();
  }

  /** Notes {@code n} instances accepted by the cloud at {@code now}, to be matched by updates. */
  void requested(int n, Instant now) {
    for (int i = 0; i < n; i++) {
      requested.addLast(now);
    }
  }

  /** Records which instances the cloud reports as deleting (called with each update's report). */
  void noteDeleting(List<InstanceStatus> report) {
    deletingReported.clear();
    for (InstanceStatus s : report) {
      if (s.state() == io.fleetscaler.plugin.api.InstanceState.DELETING) {
        deletingReported.add(s.id());
      }
    }
  }

  /** The planner's view of the table and the allocator. */
  FleetSnapshot fleet(int pending, boolean shuttingDown) {
    Map<String, InstanceView> views = new HashMap<>();
    for (InstanceView v : allocator.instances()) {
      views.put(v.instanceId(), v);
    }
    List<InstanceInfo> infos = new ArrayList<>(table.size());
    for (Tracked t : table.values()) {
      InstanceView v = views.get(t.id);
      if (t.allocated() && v != null) {
        InstancePhase phase =
            switch (v.state()) {
              case READY -> InstancePhase.READY;
              case DRAINING -> InstancePhase.DRAINING;
              case UNHEALTHY -> InstancePhase.UNHEALTHY;
            };
        t.phase = phase;
        infos.add(
            new InstanceInfo(
                t.id,
                phase,
                v.held(),
                v.claims(),
                v.exhausted(),
                t.readyAt,
                lastRelease.get(t.id),
                t.drainReason));
      } else {
        infos.add(InstanceInfo.outside(t.id, t.phase));
      }
    }
    return new FleetSnapshot(
        infos, requested.size(), pending, shuttingDown, allocator.counts().reserved());
  }

  /** Whether a change is under way, so the loop should poll at the faster interval. */
  boolean expecting() {
    if (!requested.isEmpty()) {
      return true;
    }
    for (Tracked t : table.values()) {
      if (t.phase == InstancePhase.CREATING
          || t.phase == InstancePhase.RUNNING
          || t.phase == InstancePhase.DELETING
          || t.phase == InstancePhase.TIMEOUT
          || t.phase == InstancePhase.DRAINING) {
        return true;
      }
    }
    return false;
  }

  int requestedCount() {
    return requested.size();
  }

  /** Instance counts by state name, for the snapshot and the instances gauge. */
  Map<String, Integer> countsByState() {
    // Published after every control step: count per phase, with the names made once.
    Map<InstancePhase, Integer> byPhase = new java.util.EnumMap<>(InstancePhase.class);
    for (Tracked t : table.values()) {
      byPhase.merge(t.phase, 1, Integer::sum);
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("requested", requested.size());
    for (Map.Entry<InstancePhase, String> e : PHASE_NAMES.entrySet()) {
      counts.put(e.getValue(), byPhase.getOrDefault(e.getKey(), 0));
    }
    return counts;
  }

  private static final Map<InstancePhase, String> PHASE_NAMES = phaseNames();

  private static Map<InstancePhase, String> phaseNames() {
    Map<InstancePhase, String> names = new java.util.EnumMap<>(InstancePhase.class);
    for (InstancePhase p : InstancePhase.values()) {
      names.put(p, p.name().toLowerCase(java.util.Locale.ROOT));
    }
    return java.util.Collections.unmodifiableMap(names);
  }
}
