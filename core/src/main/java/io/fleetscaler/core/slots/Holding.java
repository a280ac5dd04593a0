package io.fleetscaler.core.slots;

import java.util.Objects;

/**
 * A slot held by a key on an instance, as recorded before a restart and given back to {@link
 * SlotAllocator#adopt}.
 *
 * @param key the key holding the slot
 * @param index the slot's position on its instance
 * @param acquired true if acquired, false if only reserved
 */
public record Holding(String key, int index, boolean acquired) {
  public Holding {
    Objects.requireNonNull(key, "key");
    if (index < 0) {
      throw new IllegalArgumentException("slot index must be >= 0, got " + index);
    }
  }
}
