package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.planner.FleetSnapshot;
import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.slots.Holding;
import io.fleetscaler.core.slots.Slot;
import io.fleetscaler.core.slots.SlotAllocator;
import io.fleetscaler.core.state.StoredInstance;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
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
 * <p>Lifecycle of an entry: {@code requested} (kept by {@link ExpectedCreations} until the cloud
 * lists it, with increases whose answer was lost) → {@code creating} → {@code running} → {@code
 * ready} (in the allocator) → {@code draining} → {@code deleting} → deleted (dropped). {@code
 * timeout} entries are deleted in the cloud; requests never listed within the creation timeout are
 * counted as failed. An entry that disappears from {@code update} without our deletion vanished: it
 * is counted and its slot holders are revoked with a cause through {@link SlotAllocator#remove}.
 *
 * <p>Not thread-safe: every method runs under the scaler's control lock. Plans are applied by the
 * {@link Actuator}.
 */
final class Provisioner {
  private static final System.Logger LOG = System.getLogger(TaskScaler.class.getName());

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
    boolean readinessStarted;
    @Nullable DeletionReason deletionReason;

    /** Ready to take slots, but {@code max_instances} are in the allocator: see makeReady. */
    boolean waitingForRoom;

    /** Saved state waiting for the instance to run, when it was adopted after a restart. */
    @Nullable StoredInstance stored;

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
  private final ScalerMetrics metrics;
  private final InstanceGate gate;
  private final PluginCalls calls;
  private final Map<String, Tracked> table = new LinkedHashMap<>();
  private final ExpectedCreations expected;
  private final List<Tracked> deletedNow = new ArrayList<>();

  /** Told when saved holdings are restored onto an instance, or dropped with it. */
  interface Adoption {
    /** {@code slots} are the handles of {@code stored.holdings()}, in order. Under control. */
    void adopted(StoredInstance stored, List<Slot> slots);

    /** The instance is gone or unusable, so its saved holdings are void. Under control. */
    void dropped(StoredInstance stored, String why);
  }

  /**
   * One entry of the saved table. The allocator's view of an allocated instance is the truth;
   * {@code stored} is its saved state while that still waits to apply (or is being applied).
   */
  record Known(
      String id, boolean allocated, @Nullable String deletion, @Nullable StoredInstance stored) {}

  private final Map<String, StoredInstance> toAdopt = new HashMap<>();
  private boolean firstUpdate = true;
  private boolean keepInstanceWithAcquisitions = true;
  private boolean removePreexisting = true;
  private Adoption adoption =
      new Adoption() {
        @Override
        public void adopted(StoredInstance stored, List<Slot> slots) {}

        @Override
        public void dropped(StoredInstance stored, String why) {}
      };
  private volatile List<Known> known = List.of();
  private volatile List<Instant> pendingCreations = List.of();
  private boolean overMaxWarned;
  private Runnable onKnownChange = () -> {};
  private @Nullable StandbyPool standby;

  /** Last release per instance; written by request threads, read when planning. */
  final Map<String, Instant> lastRelease = new ConcurrentHashMap<>();

  Provisioner(
      InstanceGroup group,
      SlotAllocator allocator,
      InstantSource clock,
      Duration creationTimeout,
      ScalerMetrics metrics,
      InstanceGate gate,
      PluginCalls calls) {
    this.group = group;
    this.allocator = allocator;
    this.clock = clock;
    this.metrics = metrics;
    this.gate = gate;
    this.calls = calls;
    this.expected = new ExpectedCreations(creationTimeout, metrics);
  }

  /**
   * Sets what the first update adopts: saved instances the cloud still reports get their holdings
   * and use counts back; others are dropped. Call before the first update.
   */
  void restore(
      List<StoredInstance> saved,
      boolean keepWithAcquisitions,
      boolean removeUnknown,
      Adoption to,
      Runnable onChange) {
    onKnownChange = onChange;
    keepInstanceWithAcquisitions = keepWithAcquisitions;
    removePreexisting = removeUnknown;
    adoption = to;
    List<Known> k = new ArrayList<>();
    for (StoredInstance i : saved) {
      toAdopt.put(i.id(), i);
      k.add(new Known(i.id(), false, i.deletion(), i));
    }
    known = List.copyOf(k);
  }

  /** Hands suspended, resuming and newly ready instances to the standby pool from now on. */
  void standby(StandbyPool pool) {
    standby = pool;
  }

  /**
   * Takes back the creations a previous run still expected, so that the instances they bring are
   * adopted, not deleted as {@code preexisting} (see {@link ExpectedCreations#restore}). Call
   * before the first update.
   */
  void restoreExpected(List<Instant> requestedAt) {
    expected.restore(requestedAt, clock.instant());
    pendingCreations = List.copyOf(expected.pending());
  }

  /** When each creation still expected was asked for, as to be saved; from any thread. */
  List<Instant> pendingCreations() {
    return pendingCreations;
  }

  /** The table as it is to be saved; readable from any thread. */
  List<Known> known() {
    return known;
  }

  /** Publishes the table for saving, and says so if it changed; under control. */
  void publishKnown() {
    List<Known> k = new ArrayList<>(table.size() + toAdopt.size());
    for (Tracked t : table.values()) {
      DeletionReason reason = t.deletionReason;
      if (reason == null
          && (t.phase == InstancePhase.PREEXISTING
              || t.drainReason == DeletionReason.REPLACEMENT)) {
        continue; // nothing known of it: a restart must treat it as unknown again
      }
      String deletion = reason != null ? reason.label() : null;
      if (deletion == null && standby != null && standby.saved(t)) {
        deletion = StandbyPool.MARK;
      }
      k.add(new Known(t.id, t.allocated(), deletion, t.stored));
    }
    for (StoredInstance i : toAdopt.values()) {
      k.add(new Known(i.id(), false, i.deletion(), i));
    }
    List<Known> next = List.copyOf(k);
    List<Instant> creations = expected.pending();
    boolean changed = !creations.equals(pendingCreations);
    if (changed) {
      pendingCreations = List.copyOf(creations);
    }
    if (!next.equals(known)) {
      known = next;
      changed = true;
    }
    if (changed) {
      onKnownChange.run();
    }
  }

  /**
   * Polls the plugin and reconciles the table with what it reports.
   *
   * @return false if the update failed (counted as a missed update; the table is left as it was)
   */
  boolean update() {
    List<InstanceStatus> report;
    try {
      report = calls.call("update", group::update);
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
        StoredInstance stored = toAdopt.remove(status.id());
        if (stored != null) {
          t = restored(stored, now);
        } else {
          t = unmatched(status.id(), now);
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
          metrics.lost("vanished");
          revoke(t, "instance " + t.id + " vanished from the cloud");
        }
        gone(t, now);
        it.remove();
      }
    }
    retryWaitingForRoom(now);
    if (firstUpdate) {
      firstUpdate = false;
      for (StoredInstance gone : toAdopt.values()) {
        adoption.dropped(gone, "instance " + gone.id() + " is gone from the cloud");
      }
      toAdopt.clear();
    }
    expected.updated(now);
    return true;
  }

  /**
   * An instance listed for the first time with no saved state: matched to the oldest granted
   * request not yet listed, else to the oldest open ambiguity (it is ours: adopted, never deleted).
   * With neither, the verdict depends on when it appears: in the first successful update it was
   * there before this scaler and nothing is known of it ({@code preexisting}, unless unknown
   * instances are kept); later the cloud launched it on its own ({@code replacement}: deleted under
   * the same setting, adopted otherwise).
   */
  private Tracked unmatched(String id, Instant now) {
    Instant requestedAt = expected.match();
    if (requestedAt != null) {
      metrics.creationTime(Duration.between(requestedAt, now));
      return new Tracked(id, requestedAt, now, InstancePhase.CREATING);
    }
    if (!removePreexisting) {
      return new Tracked(id, null, now, InstancePhase.CREATING);
    }
    if (firstUpdate) {
      return new Tracked(id, null, now, InstancePhase.PREEXISTING);
    }
    // Deleted at once by the next plan, for its own reason, like an adopted deletion.
    Tracked t = new Tracked(id, null, now, InstancePhase.DRAINING);
    t.drainReason = DeletionReason.REPLACEMENT;
    return t;
  }

  /** A saved instance the cloud still reports: to be deleted again, or adopted once running. */
  private Tracked restored(StoredInstance stored, Instant now) {
    String deletion = stored.deletion();
    StandbyPool pool = standby;
    if (pool != null && StandbyPool.MARK.equals(deletion)) {
      return pool.adopt(stored.id(), now);
    }
    if (deletion != null) {
      // Its deletion was asked for before the restart: ask again (it holds nothing by then).
      Tracked t = new Tracked(stored.id(), null, now, InstancePhase.DRAINING);
      t.drainReason = reasonOf(deletion);
      t.deletionReason = t.drainReason;
      adoption.dropped(stored, "instance " + stored.id() + " was being deleted");
      return t;
    }
    Tracked t = new Tracked(stored.id(), null, now, InstancePhase.CREATING);
    t.stored = stored;
    return t;
  }

  private static DeletionReason reasonOf(String label) {
    try {
      return DeletionReason.ofLabel(label);
    } catch (IllegalArgumentException e) {
      return DeletionReason.PREEXISTING;
    }
  }

  private void apply(Tracked t, InstanceStatus status, Instant now) {
    StandbyPool pool = standby;
    if (pool != null && pool.observe(t, status.state(), now)) {
      return;
    }
    switch (status.state()) {
      case CREATING, RESUMING, SUSPENDING, SUSPENDED -> {
        // Suspension is not driven by this scaler yet: such instances are not ready capacity.
        if (t.phase == InstancePhase.RUNNING) {
          t.phase = InstancePhase.CREATING;
          // Back to running later means checking readiness again.
          t.readinessStarted = false;
        }
      }
      case RUNNING -> {
        if (t.phase == InstancePhase.CREATING
            || (t.phase == InstancePhase.RUNNING && !t.readinessStarted)) {
          if (t.requestedAt != null && !t.readinessStarted) {
            metrics.isRunningTime(Duration.between(t.requestedAt, now));
          }
          t.phase = InstancePhase.RUNNING;
          if (!t.readinessStarted) {
            t.readinessStarted = true;
            // An instance adopted from saved state was ready before the restart, and its jobs may
            // still run on it: it is not checked again.
            if (t.stored != null || gate.admit(t.id)) {
              makeReady(t, now);
            }
          }
        }
      }
      case DELETING -> {
        if (t.deleteRequestedAt == null) {
          metrics.lost("deleted_by_cloud");
          revoke(t, "instance " + t.id + " is being deleted by the cloud");
          t.deleteRequestedAt = now;
          t.deleteAccepted = true;
        }
        t.phase = InstancePhase.DELETING;
      }
      case DELETED -> {
        if (t.deleteRequestedAt == null) {
          metrics.vanished();
          metrics.lost("deleted_by_cloud");
          revoke(t, "instance " + t.id + " was deleted by the cloud");
        }
        t.phase = InstancePhase.DELETING;
        deletedNow.add(t);
      }
      case TIMEOUT -> {
        if (t.phase != InstancePhase.DELETING) {
          if (t.phase != InstancePhase.TIMEOUT) {
            metrics.lost("timeout");
          }
          revoke(t, "instance " + t.id + " timed out in the cloud");
          t.phase = InstancePhase.TIMEOUT;
        }
      }
    }
  }

  /** Takes every instance out of the allocator, revoking every held slot with {@code cause}. */
  void revokeAll(String cause) {
    for (Tracked t : table.values()) {
      if (t.allocated()) {
        allocator.remove(t.id, cause);
      }
    }
  }

  /** Whether the cloud's last report listed any instance that is not gone. */
  boolean empty() {
    return table.isEmpty();
  }

  /**
   * The instance passed its readiness check (or needs none): its slots go into the allocator (with
   * its saved holdings and use counts when it was adopted after a restart) and its readiness time
   * (from the request) is recorded. The table is published first, so that a snapshot saved for a
   * claim on this instance names it.
   */
  void makeReady(Tracked t, Instant now) {
    if (!roomFor(t)) {
      return;
    }
    StandbyPool pool = standby;
    if (t.requestedAt != null && (pool == null || !pool.wasResumed(t.id))) {
      metrics.readinessTime(Duration.between(t.requestedAt, now));
      if (pool != null) {
        pool.bootReady(Duration.between(t.requestedAt, now));
      }
    }
    if (pool != null && pool.intoPool(t, now)) {
      publishKnown();
      return;
    }
    t.phase = InstancePhase.READY;
    t.readyAt = now;
    publishKnown();
    StoredInstance stored = t.stored;
    t.stored = null;
    if (stored == null) {
      allocator.add(t.id);
      return;
    }
    List<Slot> slots;
    try {
      slots = allocator.adopt(t.id, stored.claims(), stored.completedUses(), stored.holdings());
    } catch (IllegalArgumentException e) {
      adoption.dropped(stored, String.valueOf(e.getMessage()));
      allocator.add(t.id);
      return;
    }
    adoption.adopted(stored, slots);
    boolean hadAcquisitions = stored.holdings().stream().anyMatch(Holding::acquired);
    if (hadAcquisitions && !keepInstanceWithAcquisitions) {
      allocator.drain(t.id);
      t.drainReason = DeletionReason.RESTORED;
    }
  }

  /**
   * Whether the allocator can take {@code t}; if not, {@code t} waits for room. The planner never
   * asks for more than {@code max_instances}, but the cloud can list more: instances this scaler
   * did not create and keeps ({@code remove_preexisting_instances} off), or saved ones above a
   * lowered maximum. Adopting what the cloud really has must not fail the loop, and the allocator
   * is sized to the maximum (it is what bounds every request's cost), so it is not grown: such an
   * instance stays tracked as running, without slots, and counts toward {@code max_instances}, so
   * the planner creates nothing more and deletes idle instances as {@code over_max} until the fleet
   * is back within the maximum; the next update after one is gone gives it its slots. Logged once
   * per episode (WARN), and once (INFO) when no instance waits any more.
   */
  private boolean roomFor(Tracked t) {
    if (allocator.counts().instances() < allocator.limits().maxInstances()) {
      t.waitingForRoom = false;
      return true;
    }
    if (!t.waitingForRoom) {
      t.waitingForRoom = true;
      if (!overMaxWarned) {
        overMaxWarned = true;
        LOG.log(
            System.Logger.Level.WARNING,
            "the fleet is over max_instances ({0}) because of instances this scaler did not"
                + " create (preexisting, kept by remove_preexisting_instances = false) or saved"
                + " above the maximum: instance {1} gets no slots until one is gone; idle ones are"
                + " deleted as over_max",
            allocator.limits().maxInstances(),
            t.id);
      }
    }
    return false;
  }

  /** Gives slots to instances that waited for room, now that there may be some. */
  private void retryWaitingForRoom(Instant now) {
    boolean waiting = false;
    for (Tracked t : table.values()) {
      if (t.waitingForRoom && t.phase == InstancePhase.RUNNING) {
        makeReady(t, now);
        waiting |= t.waitingForRoom;
      }
    }
    if (overMaxWarned && !waiting) {
      overMaxWarned = false;
      LOG.log(
          System.Logger.Level.INFO,
          "the fleet is back within max_instances ({0})",
          allocator.limits().maxInstances());
    }
  }

  /** Takes the instance out of the allocator, telling holders why, if it is there. */
  private void revoke(Tracked t, String cause) {
    if (t.allocated()) {
      allocator.remove(t.id, cause);
    }
    lastRelease.remove(t.id);
    voidSaved(t, cause);
  }

  /**
   * A saved instance that is deleted, timed out or gone before it was adopted: its saved holdings
   * are void, so their keys acquire afresh instead of waiting for an adoption that never comes.
   */
  private void voidSaved(Tracked t, String cause) {
    StoredInstance stored = t.stored;
    if (stored != null) {
      t.stored = null;
      adoption.dropped(stored, cause);
    }
  }

  private void gone(Tracked t, Instant now) {
    voidSaved(t, "instance " + t.id + " is gone from the cloud");
    Instant asked = t.deleteRequestedAt;
    if (asked != null) {
      metrics.deletionTime(Duration.between(asked, now));
    }
    metrics.lifeDuration(Duration.between(t.firstSeen, now));
    lastRelease.remove(t.id);
    gate.forget(t.id);
    if (standby != null) {
      standby.forget(t.id);
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
    expected.granted(n, now);
  }

  /**
   * Notes an increase of {@code n} whose outcome is unknown (its answer was lost, or it timed out):
   * an open ambiguity that later updates settle (see {@link ExpectedCreations}). Never asked again
   * in the meantime.
   */
  void ambiguous(int n, Instant now) {
    expected.ambiguous(n, now);
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
    return FleetViews.snapshot(
        table.values(), allocator, lastRelease, expected, pending, shuttingDown);
  }

  /** Whether a change is under way, so the loop should poll at the faster interval. */
  boolean expecting() {
    if (expected.any()) {
      return true;
    }
    for (Tracked t : table.values()) {
      if (t.phase == InstancePhase.CREATING
          || t.phase == InstancePhase.RUNNING
          || t.phase == InstancePhase.DELETING
          || t.phase == InstancePhase.TIMEOUT
          || t.phase == InstancePhase.DRAINING
          || t.phase == InstancePhase.RESUMING) {
        return true;
      }
    }
    return standby != null && standby.settling();
  }

  int requestedCount() {
    return expected.granted();
  }

  /** Instance counts by state name, for the snapshot and the instances gauge. */
  Map<String, Integer> countsByState() {
    return FleetViews.countsByState(table.values(), expected);
  }
}
