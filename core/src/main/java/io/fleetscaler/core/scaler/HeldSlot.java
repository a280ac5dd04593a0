package io.fleetscaler.core.scaler;

import io.fleetscaler.core.slots.Slot;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/** A key's slot, reserved or acquired; the {@link Acquisition} handed to callers. Thread-safe. */
final class HeldSlot implements Acquisition {
  private final String key;
  private final Slot slot;
  private final InstanceGroup group;
  private final CompletableFuture<String> cancellation = new CompletableFuture<>();
  private volatile @Nullable String cancelCause;

  HeldSlot(String key, Slot slot, InstanceGroup group) {
    this.key = key;
    this.slot = slot;
    this.group = group;
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
