package io.fleetscaler.core.slots;

/** Why a reserve or acquire handed out no slot. Nothing changed in the allocator in any case. */
public enum Refusal implements Claim {
  /** No ready instance has an idle slot with use budget left. */
  NO_CAPACITY,
  /** {@code reserve}: the key already holds a slot (reserved or acquired). */
  ALREADY_HELD,
  /** {@code acquire}: the key has already acquired its slot; call release first. */
  ALREADY_ACQUIRED
}
