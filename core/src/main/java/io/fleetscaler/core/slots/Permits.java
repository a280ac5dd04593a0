package io.fleetscaler.core.slots;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The allocator's permit count (claimable slots not yet promised to a caller), striped by thread,
 * with each stripe's sticky placement hint beside its cell.
 *
 * <h2>Design</h2>
 *
 * <b>Cells.</b> One cell per stripe ({@code threadId} modulo the stripe count), alone with its hint
 * on 128 bytes, so a thread that keeps to its stripe writes a line no other thread writes. A cell
 * is one {@code long}:
 *
 * <pre>
 *  63..36 version    +1 on every change of the cell (wraps after 2^28 changes)
 *  35..24 in flight  publications begun on this stripe and not yet ended
 *  23..0  count      permits held in this cell
 * </pre>
 *
 * Every change of a cell is one atomic read-modify-write that adds one to its version, so the total
 * only ever changes by single-cell atomic steps: adds and successful takes are linearizable, each
 * at its own read-modify-write. A take takes from its own cell first; a release adds to its own
 * cell, so a thread that releases and claims again stays on its own line.
 *
 * <p><b>Refusals.</b> A take whose own cell is empty steals from the others. Refusing needs an
 * instant at which <em>every</em> cell was empty, and a plain sum of the cells is not one: a permit
 * can move from a cell not yet read to one already read. So a refusal takes two collects that both
 * find every count zero, nothing in flight, and the same sum of versions. Versions only grow
 * between wraps, so an equal sum means no cell changed between its two reads, and the instant
 * between the collects lies inside every cell's unchanged interval: the whole counter was zero
 * then, with nothing in flight. That instant is the refusal's linearization point. (A false "equal"
 * would need one cell to change exactly a multiple of 2^28 times while the refuser stalls between
 * its collects.)
 *
 * <p><b>In flight.</b> Some changes of the allocator are two steps: a CAS on an instance word, and
 * then the permits that word change implies. Where a refusal may not fall between the two (see
 * {@link PackingSlotAllocator}: a release under {@code max_use_count}, and a drain), the caller
 * brackets them with {@link #begin} and {@link #end}. A refusal that meets a bracket open collects
 * again instead of refusing: it waits for a thread that is itself never waiting, a few instructions
 * away from closing it. Takes that find a permit never wait.
 *
 * <p><b>Memory ordering.</b> Every access to a cell is volatile (the read-modify-writes are full
 * fences): a take must be ordered before the caller's later word CAS, a word CAS before the add
 * that follows it, and a {@link #begin} before the word CAS it brackets; full fences give all
 * three. Hints are advisory and written opaquely.
 *
 * <p><b>Cost.</b> A take from the own cell and an add to it: one uncontended read-modify-write
 * each. A steal or a refusal reads every stripe's line (two collects): O(stripes), paid only when
 * the own cell is empty.
 */
final class Permits {

  private static final int STRIDE = 16; // longs: 128 bytes, so two stripes never share a line
  private static final int HINT = 0;
  private static final int CELL = 1;
  private static final int COUNT_BITS = 24;
  private static final long COUNT = (1L << COUNT_BITS) - 1;
  private static final long IN_FLIGHT = 1L << COUNT_BITS;
  private static final long IN_FLIGHT_MASK = 0xFFFL << COUNT_BITS;
  private static final int VERSION_SHIFT = 36;
  private static final long VERSION = 1L << VERSION_SHIFT;

  /** Largest count one cell holds: every slot of the largest fleet must fit in one cell. */
  static final long MAX_PERMITS = COUNT;

  static {
    if ((long) SlotLimits.MAX_INSTANCES * SlotLimits.MAX_CAPACITY_PER_INSTANCE > MAX_PERMITS) {
      throw new AssertionError("a permit cell cannot count every slot of the largest fleet");
    }
  }

  private final AtomicLongArray cells;
  private final int stripes;

  /**
   * @param stripes a power of two
   * @throws IllegalArgumentException if it is not
   */
  Permits(int stripes) {
    if (stripes < 1 || Integer.bitCount(stripes) != 1) {
      throw new IllegalArgumentException("stripes must be a power of two, got " + stripes);
    }
    this.stripes = stripes;
    this.cells = new AtomicLongArray((stripes + 1) * STRIDE);
  }

  /** The calling thread's stripe: its id, not a hash, so a pool's threads get distinct stripes. */
  int stripe() {
    return (int) Thread.currentThread().threadId() & (stripes - 1);
  }

  // Stripe 0 starts one stride in: the array header must not share the first stripe's line.
  private static int at(int stripe, int field) {
    return (stripe + 1) * STRIDE + field;
  }

  long hint(int stripe) {
    return cells.getOpaque(at(stripe, HINT));
  }

  void setHint(int stripe, long hint) {
    cells.setOpaque(at(stripe, HINT), hint);
  }

  /** Adds {@code n > 0} permits to the stripe's cell. */
  void add(int stripe, int n) {
    cells.getAndAdd(at(stripe, CELL), VERSION + n);
  }

  /** Opens a bracket on the stripe: refusals wait until it is {@link #end}ed. */
  void begin(int stripe) {
    cells.getAndAdd(at(stripe, CELL), VERSION + IN_FLIGHT);
  }

  /**
   * Closes a bracket opened by {@link #begin} on the same stripe, adding {@code n >= 0} permits.
   */
  void end(int stripe, int n) {
    cells.getAndAdd(at(stripe, CELL), VERSION - IN_FLIGHT + n);
  }

  /** Takes one permit, from the stripe's own cell if it has one; false if there were none. */
  boolean take(int stripe) {
    return takeFrom(stripe) || steal(stripe);
  }

  // Yielding is deliberate: see the wait below.
  @SuppressWarnings("ThreadPriorityCheck")
  private boolean steal(int stripe) {
    long versions = -1;
    for (; ; ) {
      long sum = 0;
      boolean empty = true;
      boolean bracketOpen = false;
      for (int k = 1; k <= stripes; k++) {
        int other = (stripe + k) & (stripes - 1);
        long c = cells.get(at(other, CELL));
        if ((c & COUNT) != 0) {
          if (takeFrom(other)) {
            return true;
          }
          empty = false; // taken under us: look again
        } else if ((c & IN_FLIGHT_MASK) != 0) {
          empty = false;
          bracketOpen = true;
        }
        sum += c >>> VERSION_SHIFT;
      }
      if (empty && sum == versions) {
        return false;
      }
      if (bracketOpen) {
        // Yield rather than spin: the thread inside the bracket may be waiting for a processor,
        // and this one may be its.
        Thread.yield();
      }
      versions = empty ? sum : -1;
    }
  }

  private boolean takeFrom(int stripe) {
    int at = at(stripe, CELL);
    for (; ; ) {
      long c = cells.get(at);
      if ((c & COUNT) == 0) {
        return false;
      }
      if (cells.compareAndSet(at, c, c + VERSION - 1)) {
        return true;
      }
    }
  }

  /**
   * Takes {@code n} permits at once, or none: if the cells hold fewer, gives back what it gathered
   * to {@code stripe} and answers false. Call it inside a bracket, so that no refusal falls between
   * gathering and giving back.
   */
  boolean takeMany(int stripe, int n) {
    int taken = 0;
    for (int k = 0; k < stripes && taken < n; k++) {
      int at = at((stripe + k) & (stripes - 1), CELL);
      for (; ; ) {
        long c = cells.get(at);
        int count = (int) (c & COUNT);
        if (count == 0) {
          break;
        }
        int part = Math.min(count, n - taken);
        if (cells.compareAndSet(at, c, c + VERSION - part)) {
          taken += part;
          break;
        }
      }
    }
    if (taken == n) {
      return true;
    }
    if (taken > 0) {
      add(stripe, taken);
    }
    return false;
  }

  /** The sum of the counts: exact only while no thread changes them. */
  long available() {
    long sum = 0;
    for (int s = 0; s < stripes; s++) {
      sum += cells.get(at(s, CELL)) & COUNT;
    }
    return sum;
  }

  /** Open brackets over all stripes: exact only while no thread changes them. */
  long inFlight() {
    long sum = 0;
    for (int s = 0; s < stripes; s++) {
      sum += (cells.get(at(s, CELL)) & IN_FLIGHT_MASK) >>> COUNT_BITS;
    }
    return sum;
  }
}
