package io.fleetscaler.core.scaler;

import io.fleetscaler.core.slots.Slot;
import io.fleetscaler.plugin.api.ConnectInfo;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/** A key's slot, reserved or acquired; the {@link Acquisition} handed to callers. Thread-safe. */
final class HeldSlot implements Acquisition {

  /** Where {@link #connectInfo()} asks: the plugin, through the scaler. */
  @FunctionalInterface
  interface ConnectSource {
    ConnectInfo connectInfo(String instanceId);
  }

  private final String key;
  private final Slot slot;
  private final ConnectSource group;
  private final CompletableFuture<String> cancellation = new CompletableFuture<>();
  private volatile @Nullable String cancelCause;
  private final boolean acquired;
  // Non-null for a holding restored from state storage: true until its key claims it again or the
  // grace period gives it up; whoever flips it decides.
  private final @Nullable AtomicBoolean restored;
  private final @Nullable Instant restoredUntil;

  HeldSlot(String key, Slot slot, ConnectSource group) {
    this(key, slot, group, true, null);
  }

  private HeldSlot(
      String key,
      Slot slot,
      ConnectSource group,
      boolean acquired,
      @Nullable Instant restoredUntil) {
    this.key = key;
    this.slot = slot;
    this.group = group;
    this.acquired = acquired;
    this.restoredUntil = restoredUntil;
    this.restored = restoredUntil == null ? null : new AtomicBoolean(true);
  }

  /** A reservation (not an acquisition). */
  static HeldSlot reserved(String key, Slot slot, ConnectSource group) {
    return new HeldSlot(key, slot, group, false, null);
  }

  /** A holding restored after a restart, given up at {@code until} unless claimed again. */
  static HeldSlot restored(
      String key, Slot slot, ConnectSource group, boolean acquired, Instant until) {
    return new HeldSlot(key, slot, group, acquired, until);
  }

  boolean acquired() {
    return acquired;
  }

  /** Restored and neither claimed again nor given up yet. */
  boolean restoredPending() {
    AtomicBoolean r = restored;
    return r != null && r.get();
  }

  /** Ends the restored state (claimed again by its key, or given up); true for the one winner. */
  boolean settle() {
    AtomicBoolean r = restored;
    return r != null && r.compareAndSet(true, false);
  }

  /** When a restored holding is given up; null if not restored. */
  @Nullable Instant restoredUntil() {
    return restoredUntil;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public String instanceId() {
    return slot.instanceId();
  }

  @Override
  public int slot() {
    return slot.index();
  }

  @Override
  public ConnectInfo connectInfo() {
    return group.connectInfo(slot.instanceId());
  }

  @Override
  public CompletionStage<String> cancellation() {
    return cancellation.minimalCompletionStage();
  }

  @Override
  public @Nullable String cancelCause() {
    return cancelCause;
  }

  /** Notes the cause now; {@link #signal} completes the stage later, outside the control lock. */
  void revoke(String cause) {
    cancelCause = cause;
  }

  void signal() {
    String cause = cancelCause;
    if (cause != null) {
      cancellation.complete(cause);
    }
  }

  @Override
  public String toString() {
    return "Acquisition[" + key + " on " + slot.instanceId() + "#" + slot.index() + "]";
  }
}
