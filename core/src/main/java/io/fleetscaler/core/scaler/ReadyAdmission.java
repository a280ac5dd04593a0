package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.slots.Holding;
import io.fleetscaler.core.slots.Slot;
import io.fleetscaler.core.slots.SlotAllocator;
import io.fleetscaler.core.state.StoredInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Puts instances that passed their readiness check into the allocator: fresh ones empty, adopted
 * ones with their saved holdings and use counts, resumed ones from the standby pool; and keeps
 * instances beyond {@code max_instances} waiting for room (see {@link #roomFor}).
 *
 * <p>Not thread-safe: every method runs under the scaler's control lock, on the provisioner's side.
 */
final class ReadyAdmission {
  private static final System.Logger LOG = System.getLogger(TaskScaler.class.getName());

  private final SlotAllocator allocator;
  private final ScalerMetrics metrics;
  private final SavedTable saved;
  private final Runnable publishKnown;
  private @Nullable StandbyPool standby;
  private boolean overMaxWarned;

  ReadyAdmission(
      SlotAllocator allocator, ScalerMetrics metrics, SavedTable saved, Runnable publishKnown) {
    this.allocator = allocator;
    this.metrics = metrics;
    this.saved = saved;
    this.publishKnown = publishKnown;
  }

  void standby(StandbyPool pool) {
    standby = pool;
  }

  /** See {@link Provisioner#makeReady}. */
  void makeReady(Provisioner.Tracked t, Instant now) {
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
      publishKnown.run();
      return;
    }
    t.phase = InstancePhase.READY;
    t.readyAt = now;
    publishKnown.run();
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
      saved.adoption().dropped(stored, String.valueOf(e.getMessage()));
      allocator.add(t.id);
      return;
    }
    saved.adoption().adopted(stored, slots);
    boolean hadAcquisitions = stored.holdings().stream().anyMatch(Holding::acquired);
    if (hadAcquisitions && !saved.keepInstanceWithAcquisitions()) {
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
  private boolean roomFor(Provisioner.Tracked t) {
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
  void retryWaitingForRoom(Collection<Provisioner.Tracked> table, Instant now) {
    boolean waiting = false;
    for (Provisioner.Tracked t : table) {
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
}
