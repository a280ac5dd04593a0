package io.fleetscaler.core.scaler;

import io.fleetscaler.core.slots.Holding;
import io.fleetscaler.core.slots.InstanceView;
import io.fleetscaler.core.slots.Outcome;
import io.fleetscaler.core.slots.Slot;
import io.fleetscaler.core.slots.SlotAllocator;
import io.fleetscaler.core.state.SnapshotWriter;
import io.fleetscaler.core.state.StateStore;
import io.fleetscaler.core.state.StoredInstance;
import io.fleetscaler.core.state.StoredState;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ProviderException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The scaler's side of state storage and restart adoption: opens the store, hands the saved
 * instances to the provisioner, gives restored holdings back to their keys (or releases them after
 * the grace period), makes acquisitions durable before they are handed out, and builds the
 * snapshots the background writer saves.
 *
 * <p>Threads: {@link #restoring}, {@link #changed}, {@link #deliver} and {@link #connectInfo} are
 * called on the request path from any thread and never block; the {@code ...Locked} methods and the
 * {@link SavedTable.Adoption} callbacks run under the scaler's control lock; {@code savedState}
 * runs on the writer's thread and reads only the allocator (thread-safe readers), the provisioner's
 * published table and concurrent maps.
 */
final class StateKeeper implements SavedTable.Adoption {
  private static final System.Logger LOG = System.getLogger(TaskScaler.class.getName());

  private final TaskScaler.Builder options;
  private final SlotAllocator allocator;
  private final Provisioner provisioner;
  private final Map<String, HeldSlot> holders;
  private final Consumer<Runnable> withControl;
  private final Consumer<String> release;
  private final PluginCalls calls;

  // Set once in open(), before the scaler is handed out or its loop runs.
  private volatile @Nullable SnapshotWriter writer;
  private String groupId = "";
  // Keys of saved holdings whose instance is not adopted yet: their requests wait under control.
  private final Set<String> awaitingAdoption = ConcurrentHashMap.newKeySet();
  private volatile boolean adopting;
  // Guarded by control: restored holdings still waiting for their keys, and keys released early.
  private final List<HeldSlot> restoredHeld = new ArrayList<>();
  private final Set<String> givenUpEarly = new HashSet<>();
  // The last connection details the plugin gave per instance (or restored ones), saved with the
  // state, and served while the plugin cannot answer.
  private final Map<String, ConnectInfo> lastConnect = new ConcurrentHashMap<>();

  StateKeeper(
      TaskScaler.Builder options,
      SlotAllocator allocator,
      Provisioner provisioner,
      Map<String, HeldSlot> holders,
      Consumer<Runnable> withControl,
      Consumer<String> release,
      PluginCalls calls) {
    this.options = options;
    this.allocator = allocator;
    this.provisioner = provisioner;
    this.holders = holders;
    this.withControl = withControl;
    this.release = release;
    this.calls = calls;
  }

  /** Failed saves of the state so far; 0 without state storage. Lock-free. */
  long saveFailures() {
    SnapshotWriter w = writer;
    return w == null ? 0 : w.failures();
  }

  /**
   * Binds {@code fleetscaler_state_store_failures_total{op="save"}} (0 without state storage, so
   * that the series exists wherever the alert looks for it).
   */
  void bindTo(MeterRegistry registry) {
    FunctionCounter.builder(
            ScalerMetrics.meterName("fleetscaler_state_store_failures_total"),
            this,
            StateKeeper::saveFailures)
        .description("Failed saves of the scaler state (state_storage)")
        .tag("op", "save")
        .register(registry);
  }

  /** Saves a last snapshot and stops the writer; nothing without state storage. Idempotent. */
  void close() {
    SnapshotWriter w = writer;
    if (w != null) {
      w.close();
    }
  }

  /**
   * Opens the state store (if configured) and hands its saved instances to the provisioner, whose
   * first update adopts those the cloud still reports. A saved holding outside the configured
   * capacity would have no slot to return to: refuse to start rather than lose it.
   */
  void open(@Nullable Path dir, String group) {
    List<StoredInstance> saved = List.of();
    List<Instant> expected = List.of();
    StateStore store = null;
    java.util.function.Function<String, StateStore> opener = options.stateStoreOpener;
    if (dir != null || opener != null) {
      Optional<StoredState> loaded;
      try {
        store = opener != null ? opener.apply(group) : StateStore.open(requireDir(dir), group);
        loaded = store.load();
      } catch (IOException e) {
        throw new IllegalStateException("state_storage: " + e.getMessage(), e);
      }
      if (loaded.isPresent()) {
        saved = loaded.get().instances();
        expected = loaded.get().expectedCreations();
        checkCapacity(store, loaded.get());
      }
    }
    for (StoredInstance i : saved) {
      for (Holding h : i.holdings()) {
        awaitingAdoption.add(h.key());
      }
    }
    adopting = !awaitingAdoption.isEmpty();
    provisioner.restore(
        saved,
        options.keepInstanceWithAcquisitions,
        options.removePreexistingInstances,
        this,
        this::changed);
    provisioner.restoreExpected(expected);
    if (store != null) {
      groupId = group;
      writer = SnapshotWriter.start(store, this::savedState, options.stateSaveDelay);
    }
  }

  private static Path requireDir(@Nullable Path dir) {
    if (dir == null) {
      throw new IllegalStateException("no state directory");
    }
    return dir;
  }

  private void checkCapacity(StateStore store, StoredState state) {
    for (StoredInstance i : state.instances()) {
      for (Holding h : i.holdings()) {
        if (h.index() >= options.capacityPerInstance) {
          throw new IllegalStateException(
              "state_storage: "
                  + store.file()
                  + " says key "
                  + h.key()
                  + " holds slot "
                  + h.index()
                  + " of instance "
                  + i.id()
                  + ", which capacity_per_instance "
                  + options.capacityPerInstance
                  + " does not have (saved with "
                  + state.capacityPerInstance()
                  + "): start with the saved capacity until those jobs are done, or delete the"
                  + " file to give up the saved state (its instances are then removed as"
                  + " preexisting)");
        }
      }
    }
  }

  @Override
  public void adopted(StoredInstance stored, List<Slot> slots) {
    Instant until = options.clock.instant().plus(options.restoredAcquisitionGrace);
    ConnectInfo saved = stored.connectInfo();
    if (saved != null) {
      lastConnect.put(stored.id(), saved);
    }
    for (int n = 0; n < slots.size(); n++) {
      Holding h = stored.holdings().get(n);
      HeldSlot held =
          HeldSlot.restored(h.key(), slots.get(n), this::connectInfo, h.acquired(), until);
      holders.put(h.key(), held);
      awaitingAdoption.remove(h.key());
      if (givenUpEarly.remove(h.key())) {
        held.settle();
        giveBack(held);
      } else {
        restoredHeld.add(held);
      }
    }
    adopting = !awaitingAdoption.isEmpty();
    LOG.log(
        System.Logger.Level.INFO,
        "adopted instance {0} with {1} held slots and {2} claims from the saved state",
        stored.id(),
        slots.size(),
        stored.claims());
  }

  @Override
  public void dropped(StoredInstance stored, String why) {
    for (Holding h : stored.holdings()) {
      awaitingAdoption.remove(h.key());
      givenUpEarly.remove(h.key());
    }
    adopting = !awaitingAdoption.isEmpty();
    if (!stored.holdings().isEmpty()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "{0}: its {1} saved held slots are void",
          why,
          stored.holdings().size());
    }
  }

  /** Whether {@code key} has a saved holding whose instance is not adopted yet. */
  boolean restoring(String key) {
    return adopting && awaitingAdoption.contains(key);
  }

  /** Release or unreserve of a key whose saved holding is not adopted yet. */
  boolean giveUpEarly(String key) {
    boolean[] done = {false};
    withControl.accept(
        () -> {
          if (awaitingAdoption.contains(key)) {
            done[0] = givenUpEarly.add(key);
          }
        });
    return done[0];
  }

  /** Frees a restored holding nobody claimed again. Under control. */
  private void giveBack(HeldSlot held) {
    Outcome o = held.acquired() ? allocator.release(held.key()) : allocator.unreserve(held.key());
    holders.remove(held.key(), held);
    if (o == Outcome.FREED) {
      provisioner.lastRelease.put(held.instanceId(), options.clock.instant());
      changed();
    }
  }

  /** Drops the connection details of instances no longer known. Under control. */
  void forgetGoneLocked() {
    if (!lastConnect.isEmpty()) {
      Set<String> known = new HashSet<>();
      provisioner.tracked().forEach(t -> known.add(t.id));
      lastConnect.keySet().retainAll(known);
    }
  }

  /** Gives back restored holdings whose grace period is over. Under control. */
  void expireRestoredLocked(Instant now) {
    for (Iterator<HeldSlot> it = restoredHeld.iterator(); it.hasNext(); ) {
      HeldSlot h = it.next();
      Instant until = h.restoredUntil();
      if (!h.restoredPending()) {
        it.remove();
      } else if (until != null && !now.isBefore(until) && h.settle()) {
        it.remove();
        giveBack(h);
      }
    }
  }

  void changed() {
    SnapshotWriter w = writer;
    if (w != null) {
      w.changed();
    }
  }

  /**
   * Hands an acquired slot to the caller once it is saved: a crash after the caller has it can then
   * never lose it. If saving fails, or the caller gave up meanwhile, the slot is released.
   * Completion runs on the common pool, never on the state writer's thread.
   */
  void deliver(String key, HeldSlot held, CompletableFuture<Acquisition> to) {
    SnapshotWriter w = writer;
    if (w == null) {
      if (!options.leaseGuard.holds()) {
        notServed(key, held, to, null);
        return;
      }
      if (!to.complete(held)) {
        release.accept(key); // the caller gave up meanwhile: give the slot back
      }
      return;
    }
    var unused =
        w.changedDurably()
            .whenCompleteAsync(
                (ok, error) -> {
                  if (error != null || !options.leaseGuard.holds()) {
                    notServed(key, held, to, error);
                  } else if (!to.complete(held) && holders.get(key) == held) {
                    release.accept(key);
                  }
                },
                ForkJoinPool.commonPool());
  }

  /** Gives the slot back and tells the caller to retry: not saved, or the lease not sure. */
  private void notServed(
      String key, HeldSlot held, CompletableFuture<Acquisition> to, @Nullable Throwable error) {
    if (holders.get(key) == held) {
      release.accept(key);
    }
    to.completeExceptionally(
        error != null
            ? new NotServedException(
                held + " was not handed out: saving the scaler state failed", error)
            : new NotServedException(
                held + " was not handed out: this process cannot be sure it still leads"));
  }

  /**
   * The state to save, on the writer's thread: the provisioner's published table, with use counts
   * and holdings read from the allocator (the truth for every instance in it).
   */
  private StoredState savedState() {
    Map<String, InstanceView> views = new HashMap<>();
    for (InstanceView v : allocator.instances()) {
      views.put(v.instanceId(), v);
    }
    List<StoredInstance> out = new ArrayList<>();
    for (SavedTable.Known k : provisioner.known()) {
      InstanceView v = k.allocated() ? views.get(k.id()) : null;
      StoredInstance stored = k.stored();
      if (StandbyPool.MARK.equals(k.deletion())) {
        out.add(StoredInstance.standbyMember(k.id(), lastConnect.get(k.id())));
      } else if (v != null) {
        out.add(
            new StoredInstance(
                k.id(),
                v.claims(),
                v.completedUses(),
                k.deletion(),
                allocator.holdings(k.id()),
                lastConnect.get(k.id())));
      } else if (stored != null) {
        out.add(stored);
      } else {
        out.add(new StoredInstance(k.id(), 0, 0, k.deletion(), List.of()));
      }
    }
    return new StoredState(
        groupId, options.capacityPerInstance, out, provisioner.pendingCreations());
  }

  /**
   * Asks the plugin how to reach an instance and remembers the answer. If the plugin cannot answer
   * (not: does not know the instance), the last answer is served while its credentials are valid:
   * after a restart, that is the saved one, so running jobs can reconnect while the plugin starts.
   */
  ConnectInfo connectInfo(String instanceId) {
    ConnectInfo info;
    try {
      info = calls.call("connect_info", () -> options.group.connectInfo(instanceId));
    } catch (ProviderException.NotFound e) {
      throw e;
    } catch (RuntimeException e) {
      ConnectInfo last = lastConnect.get(instanceId);
      if (last != null && !last.expiredAt(options.clock.instant())) {
        return last;
      }
      throw e;
    }
    if (writer != null && !info.equals(lastConnect.put(instanceId, info))) {
      changed();
    }
    return info;
  }
}
