package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.slots.Slot;
import io.fleetscaler.core.state.StoredInstance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The provisioner's side of restart adoption: the saved instances the first update may still find
 * (and the holdings they bring back), the verdict on one the cloud still lists, and the table as it
 * is to be saved, published for the state writer.
 *
 * <p>Threads: {@link #known()} and {@link #pendingCreations()} are read from any thread (the state
 * writer's); everything else runs under the scaler's control lock, on the provisioner's side.
 */
final class SavedTable {

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
  private Runnable onKnownChange = () -> {};

  /** See {@link Provisioner#restore}. */
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

  /** Publishes the creations still expected once they were restored. */
  void restoredExpected(List<Instant> pending) {
    pendingCreations = List.copyOf(pending);
  }

  Adoption adoption() {
    return adoption;
  }

  boolean keepInstanceWithAcquisitions() {
    return keepInstanceWithAcquisitions;
  }

  /** Whether unknown instances are deleted ({@code remove_preexisting_instances}). */
  boolean removePreexisting() {
    return removePreexisting;
  }

  /** When each creation still expected was asked for, as to be saved; from any thread. */
  List<Instant> pendingCreations() {
    return pendingCreations;
  }

  /** The table as it is to be saved; readable from any thread. */
  List<Known> known() {
    return known;
  }

  /**
   * Publishes {@code table} (and the saved instances not listed yet) for saving, and says so if it
   * changed.
   */
  void publish(
      Collection<Provisioner.Tracked> table,
      @Nullable StandbyPool standby,
      List<Instant> creations) {
    List<Known> k = new ArrayList<>(table.size() + toAdopt.size());
    for (Provisioner.Tracked t : table) {
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
   * The entry of an instance listed for the first time, if it was saved: to be deleted again, or
   * adopted once running; null if nothing was saved of it.
   */
  Provisioner.@Nullable Tracked listed(String id, Instant now, @Nullable StandbyPool standby) {
    StoredInstance stored = toAdopt.remove(id);
    if (stored == null) {
      return null;
    }
    String deletion = stored.deletion();
    if (standby != null && stored.isStandby()) {
      return standby.adopt(stored.id(), now);
    }
    if (deletion != null) {
      // Its deletion was asked for before the restart: ask again (it holds nothing by then).
      Provisioner.Tracked t =
          new Provisioner.Tracked(stored.id(), null, now, InstancePhase.DRAINING);
      t.drainReason = reasonOf(deletion);
      t.deletionReason = t.drainReason;
      adoption.dropped(stored, "instance " + stored.id() + " was being deleted");
      return t;
    }
    Provisioner.Tracked t = new Provisioner.Tracked(stored.id(), null, now, InstancePhase.CREATING);
    t.stored = stored;
    return t;
  }

  /** The first update is done: saved instances it did not list are gone, with their holdings. */
  void firstUpdateDone() {
    for (StoredInstance gone : toAdopt.values()) {
      adoption.dropped(gone, "instance " + gone.id() + " is gone from the cloud");
    }
    toAdopt.clear();
  }

  private static DeletionReason reasonOf(String label) {
    try {
      return DeletionReason.ofLabel(label);
    } catch (IllegalArgumentException e) {
      return DeletionReason.PREEXISTING;
    }
  }
}
