/**
 * JMH benchmarks of the slot allocator and the baselines they are measured against: the same {@link
 * io.fleetscaler.core.slots.SlotAllocator} interface behind one {@code ReentrantLock} (with O(1)
 * placement) and behind {@code synchronized} with a scan over instances, as taskscaler does under
 * its mutex. Baselines live here, never in {@code core}.
 */
@NullMarked
package io.fleetscaler.benchmarks.slots;

import org.jspecify.annotations.NullMarked;
