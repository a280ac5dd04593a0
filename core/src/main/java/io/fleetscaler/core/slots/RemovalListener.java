package io.fleetscaler.core.slots;

/**
 * Told about every key whose slot disappears because its instance was removed. Called on the thread
 * that calls {@link SlotAllocator#remove}, once per key, after the slot is gone; it must not call
 * back into the allocator's provisioner methods and should return quickly.
 */
@FunctionalInterface
public interface RemovalListener {
  /**
   * Reports that {@code key} lost its slot.
   *
   * @param key the key that held a slot on the instance (reserved or acquired)
   * @param instanceId the removed instance
   * @param cause the cause given to {@link SlotAllocator#remove}
   */
  void revoked(String key, String instanceId, String cause);

  /** A listener that ignores removals. */
  static RemovalListener ignoring() {
    return (key, instanceId, cause) -> {};
  }
}
