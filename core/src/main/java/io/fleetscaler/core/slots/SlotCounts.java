package io.fleetscaler.core.slots;

/**
 * Slots by state, summed over live instances. Each instance contributes a consistent view of
 * itself; the sum is not an atomic snapshot of the whole fleet while writers run.
 *
 * @param instances live instances (ready, draining or unhealthy)
 * @param idle free slots that a reserve could take now (ready instances, within use budget)
 * @param reserved slots reserved and not yet acquired
 * @param acquired slots acquired
 * @param unavailable free slots that cannot be taken: the instance is draining or has no use budget
 *     left for them
 * @param unhealthy free slots on unhealthy instances
 */
public record SlotCounts(
    int instances, long idle, long reserved, long acquired, long unavailable, long unhealthy) {}
