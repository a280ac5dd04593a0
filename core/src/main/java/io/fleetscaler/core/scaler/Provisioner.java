package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.planner.FleetSnapshot;
import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.slots.SlotAllocator;
import io.fleetscaler.core.state.StoredInstance;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The provisioner: owns the table of known instances and the creations still expected, and answers
 * every question about them (the planner's fleet view, what is under way, counts by state). Its
 * parts work on that table: {@link Reconciler} moves it to what the plugin's {@code update}
 * reports, {@link ReadyAdmission} puts ready instances into the allocator, {@link SavedTable} keeps
 * restart adoption and the table as saved; the {@link Actuator} applies the planner's plans.
 *
 * <p>Lifecycle of an entry: {@code requested} (kept by {@link ExpectedCreations} until the cloud
 * lists it, with increases whose answer was lost) → {@code creating} → {@code running} → {@code
 * ready} (in the allocator) → {@code draining} → {@code deleting} → deleted (dropped). {@code
 * timeout} entries are deleted in the cloud; requests never listed within the creation timeout are
 * counted as failed. An entry that disappears from {@code update} without our deletion vanished: it
 * is counted and its slot holders are revoked with a cause through {@link SlotAllocator#remove}.
 *
 * <p>Not thread-safe: every method runs under the scaler's control lock (the provisioner's side),
 * except {@link #known}, {@link #pendingCreations} and {@link #lastRelease}, which any thread
 * reads. {@code Tracked} stays nested here: the standby pool and the actuator name it.
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

  private final SlotAllocator allocator;
  private final InstantSource clock;
  private final Map<String, Tracked> table = new LinkedHashMap<>();
  private final ExpectedCreations expected;
  private final SavedTable saved = new SavedTable();
  private final ReadyAdmission admission;
  private final Reconciler reconciler;
  private @Nullable StandbyPool standby;

  /** Cloud-side deletion is visible: the last update listed it {@code deleting}. */
  private final Set<String> deletingReported = new HashSet<>();

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
    this.allocator = allocator;
    this.clock = clock;
    this.expected = new ExpectedCreations(creationTimeout, metrics);
    this.admission = new ReadyAdmission(allocator, metrics, saved, this::publishKnown);
    this.reconciler =
        new Reconciler(
            group, calls, metrics, clock, allocator, gate, this, table, expected, saved, admission);
  }

  /**
   * Sets what the first update adopts: saved instances the cloud still reports get their holdings
   * and use counts back; others are dropped. Call before the first update.
   */
  void restore(
      List<StoredInstance> instances,
      boolean keepWithAcquisitions,
      boolean removeUnknown,
      SavedTable.Adoption to,
      Runnable onChange) {
    saved.restore(instances, keepWithAcquisitions, removeUnknown, to, onChange);
  }

  /** Hands suspended, resuming and newly ready instances to the standby pool from now on. */
  void standby(StandbyPool pool) {
    standby = pool;
    admission.standby(pool);
    reconciler.standby(pool);
  }

  /**
   * Takes back the creations a previous run still expected, so that the instances they bring are
   * adopted, not deleted as {@code preexisting} (see {@link ExpectedCreations#restore}). Call
   * before the first update.
   */
  void restoreExpected(List<Instant> requestedAt) {
    expected.restore(requestedAt, clock.instant());
    saved.restoredExpected(expected.pending());
  }

  /** When each creation still expected was asked for, as to be saved; from any thread. */
  List<Instant> pendingCreations() {
    return saved.pendingCreations();
  }

  /** The table as it is to be saved; readable from any thread. */
  List<SavedTable.Known> known() {
    return saved.known();
  }

  /** Publishes the table for saving, and says so if it changed; under control. */
  void publishKnown() {
    saved.publish(table.values(), standby, expected.pending());
  }

  /**
   * Polls the plugin and reconciles the table with what it reports (see {@link Reconciler}).
   *
   * @return false if the update failed (counted as a missed update; the table is left as it was)
   */
  boolean update() {
    return reconciler.update();
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
    admission.makeReady(t, now);
  }

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
      if (s.state() == InstanceState.DELETING) {
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
