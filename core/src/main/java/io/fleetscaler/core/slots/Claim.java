package io.fleetscaler.core.slots;

/**
 * What {@link SlotAllocator#reserve} and {@link SlotAllocator#acquire} return: either the {@link
 * Slot} now held by the key or the {@link Refusal} saying why not. Both are preallocated, so
 * returning one allocates nothing; switch over it exhaustively.
 */
public sealed interface Claim permits Slot, Refusal {}
