package io.fleetscaler.core.slots;

/** What {@link SlotAllocator#release} and {@link SlotAllocator#unreserve} did. */
public enum Outcome {
  /** The key's slot was freed. */
  FREED,
  /**
   * The key holds no slot: it was never claimed, was already released, or its instance was removed
   * (the removal listener was told). Nothing changed.
   */
  NOT_HELD,
  /** {@code release} on a slot that is only reserved: nothing changed; call unreserve. */
  NOT_ACQUIRED,
  /** {@code unreserve} on a slot that is acquired: nothing changed; call release. */
  NOT_RESERVED
}
