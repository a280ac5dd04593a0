package io.fleetscaler.core.slots;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * Key to held slot: a preallocated open-addressing table, linear probing, no resizing.
 *
 * <p>A cell is a key reference plus a slot word. A cell is taken by CAS of its key from null and
 * then gets its slot word; it is freed by CAS of its slot word to {@link #FREE} and then a null
 * key. While a cell's key is set its slot word changes only to {@link #FREE}, so a reader that saw
 * the key and a non-free slot word saw a real binding. Freed cells are reused at once (no
 * tombstones); instead of stopping at an empty cell, a lookup scans up to {@code reach[home]}, the
 * farthest distance at which any key with that home was ever inserted (monotone). A key is looked
 * up only by the thread using it (see {@link SlotAllocator}) and by the provisioner when removing
 * an instance, so raising {@code reach} after the insert is visible where it matters.
 *
 * <p>Probing must not touch other keys' strings: in a large fleet the table holds many keys, their
 * strings are cold, and one dereference costs a cache miss (measured: it made a pair 2x slower at
 * 100 000 instances than at 10). So the slot word also carries a 22-bit fingerprint of its key's
 * hash in bits 41..62 (bindings use bits 0..40; {@link #FREE} has bit 63), and a probe compares the
 * key only where the fingerprint matches. A non-free slot word belongs to the key in its cell (it
 * is written after the key's CAS and freed before the key is cleared), so a mismatch proves the
 * cell holds another key.
 *
 * <p>Bounds: the table has at least twice as many cells as there are slots (and at least 8192), so
 * it is at most half full and expected probe lengths stay short; it can never be full.
 */
final class KeyTable {

  static final long FREE = -1L;

  private final AtomicReferenceArray<@Nullable String> keys;
  private final AtomicLongArray slots;
  private final AtomicIntegerArray reach;
  private final int mask;

  private static final int MIN_CELLS = 8192;
  private static final int FINGERPRINT_SHIFT = 41;
  private static final long BINDING_MASK = (1L << FINGERPRINT_SHIFT) - 1;

  private static long fingerprint(String key) {
    return (long) (key.hashCode() & 0x3F_FFFF) << FINGERPRINT_SHIFT;
  }

  KeyTable(int totalSlots) {
    // At least 8192 cells (128 KiB over the three arrays): in a small table two threads' keys, or a
    // key and the neighbouring objects on the heap, shared cache lines, and two threads on a fleet
    // of 10 instances made 6 pairs/us against 21 on 1 000 (measured, same run).
    int size = Integer.highestOneBit(Math.max(MIN_CELLS - 1, totalSlots * 2 - 1)) << 1;
    keys = new AtomicReferenceArray<>(size);
    slots = new AtomicLongArray(size);
    reach = new AtomicIntegerArray(size);
    mask = size - 1;
    for (int i = 0; i < size; i++) {
      slots.set(i, FREE);
    }
  }

  private int home(String key) {
    int h = key.hashCode() * 0x9E3779B9;
    return (h ^ (h >>> 16)) & mask;
  }

  // Identity first: the common case is the caller passing the very string it reserved with.
  @SuppressWarnings("ReferenceEquality")
  private static boolean same(@Nullable String cellKey, String key) {
    return cellKey == key
        || (cellKey != null && cellKey.hashCode() == key.hashCode() && cellKey.equals(key));
  }

  /** The cell binding {@code key} to a slot, or -1. */
  int find(String key) {
    int home = home(key);
    long fp = fingerprint(key);
    int limit = reach.get(home);
    for (int d = 0; d <= limit; d++) {
      int cell = (home + d) & mask;
      long s = slots.get(cell);
      if (s != FREE
          && (s & ~BINDING_MASK) == fp
          && same(keys.get(cell), key)
          && bindingOf(cell, key) != FREE) {
        return cell;
      }
    }
    return -1;
  }

  /**
   * The slot word of {@code cell} if it still binds {@code key}, else {@link #FREE}. The slot word
   * is read before the key: a cell freed and retaken by another key since shows that key, so a slot
   * word paired with {@code key} is {@code key}'s own.
   */
  long bindingOf(int cell, String key) {
    long slot = slots.get(cell);
    return slot != FREE && (slot & ~BINDING_MASK) == fingerprint(key) && same(keys.get(cell), key)
        ? slot & BINDING_MASK
        : FREE;
  }

  /** Binds {@code key} to {@code slot} (below 2^41) in a free cell and returns the cell. */
  int insert(String key, long slot) {
    int home = home(key);
    long stored = slot | fingerprint(key);
    for (int d = 0; d <= mask; d++) {
      int cell = (home + d) & mask;
      if (keys.get(cell) == null && keys.compareAndSet(cell, null, key)) {
        // Release suffices: readers read the slot word and then the key (bindingOf), and the key
        // CAS above already fenced this thread's later reads (hasOther).
        slots.setRelease(cell, stored);
        int r;
        while ((r = reach.get(home)) < d && !reach.compareAndSet(home, r, d)) {
          Thread.onSpinWait();
        }
        return cell;
      }
    }
    throw new IllegalStateException("key table full: more keys than twice the slot count");
  }

  /**
   * True if a cell other than {@code mine} binds {@code key}: a racing use of one key.
   *
   * <p>A cell that shows {@code key} with a {@link #FREE} slot word is between two steps of another
   * thread: an insert of the same key (key set, slot word not yet) or the removal of an old binding
   * of it (slot word freed, key not yet cleared; the provisioner removing an instance does this).
   * The first is a racing use, the second is not, and the two look alike; so this waits, without
   * writing, until that thread takes its next step and the cell shows which it was.
   */
  boolean hasOther(String key, int mine) {
    int home = home(key);
    long fp = fingerprint(key);
    int limit = reach.get(home);
    for (int d = 0; d <= limit; d++) {
      int cell = (home + d) & mask;
      if (cell == mine) {
        continue;
      }
      for (; ; ) {
        String other = keys.get(cell);
        if (other == null || !same(other, key)) {
          break;
        }
        // The key was read first: if the slot word now shows another key's fingerprint, the cell
        // was freed and retaken since, and the binding of our key that was there is gone.
        long s = slots.get(cell);
        if (s != FREE) {
          if ((s & ~BINDING_MASK) == fp && same(keys.get(cell), key)) {
            return true;
          }
          break;
        }
        Thread.onSpinWait();
      }
    }
    return false;
  }

  /** Frees the cell if it still binds {@code slot}; false if someone else freed it first. */
  boolean remove(int cell, long slot) {
    long stored = slots.get(cell);
    if (stored == FREE || (stored & BINDING_MASK) != slot) {
      return false;
    }
    if (slots.compareAndSet(cell, stored, FREE)) {
      // Release suffices: an inserter that reads the null key also sees the slot word FREE.
      keys.setRelease(cell, null);
      return true;
    }
    return false;
  }
}
