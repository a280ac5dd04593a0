package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.slots.SlotAllocator;
import io.fleetscaler.core.state.StoredInstance;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reconciliation: polls the plugin's {@code update} and moves the provisioner's table to what it
 * reports (the cloud is the truth). New entries are matched to requests, to open ambiguities, to
 * saved state, or judged {@code preexisting}/{@code replacement}; running ones are admitted through
 * the readiness gate; instances deleted or lost in the cloud leave the allocator, their holders
 * revoked with a cause.
 *
 * <p>Not thread-safe: runs under the scaler's control lock, on the provisioner's side; its plugin
 * call ({@code update}, with its deadline) is made under that lock, which no request thread ever
 * waits for (see {@link ControlLock}).
 */
final class Reconciler {
  private final InstanceGroup group;
  private final PluginCalls calls;
  private final ScalerMetrics metrics;
  private final InstantSource clock;
  private final SlotAllocator allocator;
  private final InstanceGate gate;
  private final Provisioner provisioner;
  private final Map<String, Provisioner.Tracked> table;
  private final ExpectedCreations expected;
  private final SavedTable saved;
  private final ReadyAdmission admission;
  private final List<Provisioner.Tracked> deletedNow = new ArrayList<>();
  private boolean firstUpdate = true;
  private @Nullable StandbyPool standby;

  Reconciler(
      InstanceGroup group,
      PluginCalls calls,
      ScalerMetrics metrics,
      InstantSource clock,
      SlotAllocator allocator,
      InstanceGate gate,
      Provisioner provisioner,
      Map<String, Provisioner.Tracked> table,
      ExpectedCreations expected,
      SavedTable saved,
      ReadyAdmission admission) {
    this.group = group;
    this.calls = calls;
    this.metrics = metrics;
    this.clock = clock;
    this.allocator = allocator;
    this.gate = gate;
    this.provisioner = provisioner;
    this.table = table;
    this.expected = expected;
    this.saved = saved;
    this.admission = admission;
  }

  void standby(StandbyPool pool) {
    standby = pool;
  }

  /** See {@link Provisioner#update}. */
  boolean update() {
    List<InstanceStatus> report;
    try {
      report = calls.call("update", group::update);
      metrics.operation("update");
      provisioner.noteDeleting(report);
    } catch (RuntimeException e) {
      metrics.missedUpdate(e);
      return false;
    }
    Instant now = clock.instant();
    Set<String> seen = new HashSet<>();
    for (InstanceStatus status : report) {
      seen.add(status.id());
      Provisioner.Tracked t = table.get(status.id());
      if (t == null) {
        if (status.state() == InstanceState.DELETED) {
          continue;
        }
        t = saved.listed(status.id(), now, standby);
        if (t == null) {
          t = unmatched(status.id(), now);
        }
        table.put(t.id, t);
      }
      apply(t, status, now);
    }
    for (Provisioner.Tracked t : deletedNow) {
      gone(t, now);
      table.remove(t.id);
    }
    deletedNow.clear();
    for (Iterator<Provisioner.Tracked> it = table.values().iterator(); it.hasNext(); ) {
      Provisioner.Tracked t = it.next();
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
    admission.retryWaitingForRoom(table.values(), now);
    if (firstUpdate) {
      firstUpdate = false;
      saved.firstUpdateDone();
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
  private Provisioner.Tracked unmatched(String id, Instant now) {
    Instant requestedAt = expected.match();
    if (requestedAt != null) {
      metrics.creationTime(Duration.between(requestedAt, now));
      return new Provisioner.Tracked(id, requestedAt, now, InstancePhase.CREATING);
    }
    if (!saved.removePreexisting()) {
      return new Provisioner.Tracked(id, null, now, InstancePhase.CREATING);
    }
    if (firstUpdate) {
      return new Provisioner.Tracked(id, null, now, InstancePhase.PREEXISTING);
    }
    // Deleted at once by the next plan, for its own reason, like an adopted deletion.
    Provisioner.Tracked t = new Provisioner.Tracked(id, null, now, InstancePhase.DRAINING);
    t.drainReason = DeletionReason.REPLACEMENT;
    return t;
  }

  private void apply(Provisioner.Tracked t, InstanceStatus status, Instant now) {
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
      case RUNNING -> running(t, now);
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

  /** The cloud reports {@code t} running: the first time, its readiness is checked (or not). */
  private void running(Provisioner.Tracked t, Instant now) {
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
          admission.makeReady(t, now);
        }
      }
    }
  }

  /** Takes the instance out of the allocator, telling holders why, if it is there. */
  private void revoke(Provisioner.Tracked t, String cause) {
    if (t.allocated()) {
      allocator.remove(t.id, cause);
    }
    provisioner.lastRelease.remove(t.id);
    voidSaved(t, cause);
  }

  /**
   * A saved instance that is deleted, timed out or gone before it was adopted: its saved holdings
   * are void, so their keys acquire afresh instead of waiting for an adoption that never comes.
   */
  private void voidSaved(Provisioner.Tracked t, String cause) {
    StoredInstance stored = t.stored;
    if (stored != null) {
      t.stored = null;
      saved.adoption().dropped(stored, cause);
    }
  }

  private void gone(Provisioner.Tracked t, Instant now) {
    voidSaved(t, "instance " + t.id + " is gone from the cloud");
    Instant asked = t.deleteRequestedAt;
    if (asked != null) {
      metrics.deletionTime(Duration.between(asked, now));
    }
    metrics.lifeDuration(Duration.between(t.firstSeen, now));
    provisioner.lastRelease.remove(t.id);
    gate.forget(t.id);
    if (standby != null) {
      standby.forget(t.id);
    }
  }
}
