/**
 * Job slots on instances: the lock-free allocator on Fleetscaler's hot path.
 *
 * <p>{@link io.fleetscaler.core.slots.SlotAllocator} hands out the {@code capacity_per_instance}
 * slots of ready instances to callers' keys (reserve, acquire, release, unreserve), packs work onto
 * the fullest ready instance (each thread keeping to its last instance while it has room) so idle
 * instances can be scaled in, enforces {@code max_use_count}, and lets one provisioner thread add,
 * drain, mark unhealthy and remove instances and read counts. Results are preallocated values
 * ({@link io.fleetscaler.core.slots.Slot} handles and {@link io.fleetscaler.core.slots.Refusal}
 * constants) so the request path allocates nothing.
 */
@NullMarked
package io.fleetscaler.core.slots;

import org.jspecify.annotations.NullMarked;
