package io.fleetscaler.core.slots;

/**
 * One slot of one instance, as held by a key. Handles are created when the instance is added and
 * returned again on every claim of the same slot, so they are never allocated on the request path.
 *
 * @param instanceId the provider's id of the instance
 * @param index the slot's position on its instance, {@code 0 <= index < capacityPerInstance}
 */
public record Slot(String instanceId, int index) implements Claim {}
