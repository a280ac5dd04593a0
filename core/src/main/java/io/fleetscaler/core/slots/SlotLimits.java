package io.fleetscaler.core.slots;

/**
 * The fixed shape of an allocator.
 *
 * @param maxInstances instances that can be live at once, {@code 1..}{@link #MAX_INSTANCES}; the
 *     allocator preallocates its tables for this many
 * @param capacityPerInstance slots per instance, {@code 1..}{@link #MAX_CAPACITY_PER_INSTANCE}
 * @param maxUseCount claims an instance serves before it takes no new work, {@code 0} (unlimited)
 *     {@code ..}{@link #MAX_USE_COUNT}
 */
public record SlotLimits(int maxInstances, int capacityPerInstance, int maxUseCount) {

  /** Largest supported {@code capacity_per_instance}: one bit per slot in the instance word. */
  public static final int MAX_CAPACITY_PER_INSTANCE = 16;

  /** Largest supported {@code max_use_count}: a 20-bit counter in the instance word. */
  public static final int MAX_USE_COUNT = (1 << 20) - 1;

  /** Largest supported fleet: 64 words of the placement index's summary per level. */
  public static final int MAX_INSTANCES = 1 << 18;

  /** Validates every field. */
  public SlotLimits {
    if (maxInstances < 1 || maxInstances > MAX_INSTANCES) {
      throw new IllegalArgumentException(
          "maxInstances must be in 1.." + MAX_INSTANCES + ", got " + maxInstances);
    }
    if (capacityPerInstance < 1 || capacityPerInstance > MAX_CAPACITY_PER_INSTANCE) {
      throw new IllegalArgumentException(
          "capacity_per_instance must be in 1.."
              + MAX_CAPACITY_PER_INSTANCE
              + " (one bit per slot in the instance word), got "
              + capacityPerInstance);
    }
    if (maxUseCount < 0 || maxUseCount > MAX_USE_COUNT) {
      throw new IllegalArgumentException(
          "max_use_count must be in 0.." + MAX_USE_COUNT + " (0 = unlimited), got " + maxUseCount);
    }
  }
}
