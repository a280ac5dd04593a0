package io.fleetscaler.core.planner;

/**
 * The fleet's fixed shape.
 *
 * @param maxInstances the most instances that may exist in any state, at least 1
 * @param capacityPerInstance slots per instance, at least 1
 * @param maxUseCount claims an instance serves before it is retired, 0 for unlimited
 */
public record Limits(int maxInstances, int capacityPerInstance, int maxUseCount) {
  public Limits {
    if (maxInstances < 1) {
      throw new IllegalArgumentException("max_instances must be >= 1, got " + maxInstances);
    }
    if (capacityPerInstance < 1) {
      throw new IllegalArgumentException(
          "capacity_per_instance must be >= 1, got " + capacityPerInstance);
    }
    if (maxUseCount < 0) {
      throw new IllegalArgumentException(
          "max_use_count must be >= 0 (0 = unlimited), got " + maxUseCount);
    }
  }

  /** Slots a fresh instance can ever serve at once: capacity, bounded by the use budget. */
  public int slotsPerNewInstance() {
    return maxUseCount == 0 ? capacityPerInstance : Math.min(capacityPerInstance, maxUseCount);
  }
}
