package io.fleetscaler.core.slots;

/**
 * The layout of an instance's state word: everything a claim or release must decide atomically
 * lives in one {@code long}, so each decision is one CAS on one cache line.
 *
 * <pre>
 *  63..55 incarnation   bumped when an index is reused for a new instance (ABA guard)
 *  54..52 state         EMPTY, READY, DRAINING, UNHEALTHY, REMOVED
 *  51..32 claims        claims charged against max_use_count (only counted when it is set)
 *  31..16 acquired      one bit per slot: acquired
 *  15..0  busy          one bit per slot: reserved or acquired
 * </pre>
 */
final class InstanceWord {

  static final int EMPTY = 0;
  static final int READY = 1;
  static final int DRAINING = 2;
  static final int UNHEALTHY = 3;
  static final int REMOVED = 4;

  private static final long SLOT_BITS = 0xFFFFL;
  private static final int ACQUIRED_SHIFT = 16;
  private static final int CLAIMS_SHIFT = 32;
  private static final long CLAIMS_MASK = 0xF_FFFFL;
  private static final int STATE_SHIFT = 52;
  private static final int INCARNATION_SHIFT = 55;
  static final int INCARNATIONS = 512;

  private InstanceWord() {}

  static long busy(long word) {
    return word & SLOT_BITS;
  }

  static long acquired(long word) {
    return (word >>> ACQUIRED_SHIFT) & SLOT_BITS;
  }

  static int claims(long word) {
    return (int) ((word >>> CLAIMS_SHIFT) & CLAIMS_MASK);
  }

  static int state(long word) {
    return (int) (word >>> STATE_SHIFT) & 0x7;
  }

  static int incarnation(long word) {
    return (int) (word >>> INCARNATION_SHIFT);
  }

  static long fresh(int incarnation) {
    return ((long) incarnation << INCARNATION_SHIFT) | ((long) READY << STATE_SHIFT);
  }

  static long withState(long word, int state) {
    return (word & ~(0x7L << STATE_SHIFT)) | ((long) state << STATE_SHIFT);
  }

  static long plusClaims(long word, int delta) {
    return word + ((long) delta << CLAIMS_SHIFT);
  }

  static long acquiredBit(int slot) {
    return 1L << (slot + ACQUIRED_SHIFT);
  }

  /**
   * Free slots a claim could take now: 0 unless ready; bounded by the use budget left (none when an
   * adopted instance holds more slots than the budget).
   */
  static int claimable(long word, int capacity, int maxUseCount) {
    if (state(word) != READY) {
      return 0;
    }
    int free = capacity - Long.bitCount(busy(word));
    return maxUseCount == 0 ? free : Math.max(0, Math.min(free, maxUseCount - claims(word)));
  }
}
