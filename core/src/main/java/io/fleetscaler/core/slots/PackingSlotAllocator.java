package io.fleetscaler.core.slots;

import static io.fleetscaler.core.slots.InstanceWord.DRAINING;
import static io.fleetscaler.core.slots.InstanceWord.EMPTY;
import static io.fleetscaler.core.slots.InstanceWord.READY;
import static io.fleetscaler.core.slots.InstanceWord.REMOVED;
import static io.fleetscaler.core.slots.InstanceWord.UNHEALTHY;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The lock-free {@link SlotAllocator}: per-instance state words, a permit count striped by thread,
 * per-thread sticky placement, and a level index that packs other claims onto the fullest ready
 * instance.
 *
 * <h2>Algorithm</h2>
 *
 * <ul>
 *   <li><b>Instance word</b> ({@link InstanceWord}): one {@code long} per instance, alone on its
 *       64-byte line with the instance's last-activity time and use counter, holds the busy and
 *       acquired bitmaps, the claims charged against {@code max_use_count}, the state and an
 *       incarnation. Every claim, acquire, release and state change is one CAS on it, so the
 *       per-instance invariants (a slot is held once; held &le; capacity; claims &le; max use) hold
 *       by construction. {@code claimable(word)} is the number of slots a new claim could take:
 *       free slots of a ready instance, bounded by its use budget.
 *   <li><b>Permits</b> ({@link Permits}): a counter of claimable slots not yet promised to a
 *       caller, striped by thread. A reserve (or a fresh acquire) first takes a permit (from its
 *       own stripe's cell, else from another's); with none anywhere it fails, which is what makes a
 *       refusal linearizable without a snapshot of every instance. Every word change that raises
 *       {@code claimable} adds the rise to the caller's cell after its CAS; a drain, unhealthy mark
 *       or removal takes back the instance's claimable slots before its CAS. So the permits never
 *       exceed the claimable slots not being claimed, and a permit holder always finds a slot. A
 *       release both raises and publishes, and so does a drain's take-then-CAS: each brackets its
 *       two steps ({@link Permits#begin}/{@link Permits#end}), and a refusal that meets an open
 *       bracket collects again. Without the bracket a refusal could fall between the steps while
 *       the sequential order already has the slot free: under {@code max_use_count} a release's
 *       rise depends on the order of releases on its instance (the later one may rise by zero,
 *       returning before the earlier one publishes), and a drain may take permits that other
 *       instances' free slots back, counting on a release of its own instance still to publish.
 *   <li><b>Sticky placement</b>: each thread stripe ({@code threadId} modulo the stripe count,
 *       beside its permit cell) remembers the instance (index and incarnation) its last placed
 *       claim landed on. A permit holder first CASes that instance's word directly if it is the
 *       same incarnation, ready and has room: no index search, and two threads on two instances
 *       write two different lines. If that CAS loses (another thread works on the same word), the
 *       holder searches for the fullest instance <em>other than</em> that one, so threads that met
 *       on one instance spread out; if there is no other, it searches again without the exclusion.
 *       Placement contract: a claim lands on the calling thread's last instance while that one is
 *       live, ready and has room; otherwise on one of the fullest ready instances with room. So at
 *       most one partly filled instance per active thread stripe is kept warm besides the fullest;
 *       an instance that a thread stops using is no longer preferred by anyone, drains to empty and
 *       becomes deletable as before. Stripes may collide (two threads share a hint); that only
 *       makes them start on the same instance.
 *   <li><b>Placement</b> ({@link LevelIndex}): for level {@code L = 1..capacity}, a bitset of the
 *       instances with {@code L} claimable slots. A permit holder without a usable sticky instance
 *       scans levels from 1 (fullest) upwards and CASes the first candidate's word; threads start
 *       their scan at different offsets so that they spread over the candidates of one level. Bits
 *       are hints: a move sets the bit of the new level (a read first; no write when already set)
 *       and leaves the old one, so a sticky thread that moves its instance back and forth writes no
 *       index word in steady state; searches clear the stale bits they meet. If every hint is stale
 *       the holder scans the words themselves (it holds a permit, so a slot exists).
 *   <li><b>Keys</b> ({@link KeyTable}): a preallocated open-addressing table maps a key to {@code
 *       (incarnation, slot)}. A binding whose incarnation or state no longer matches the instance
 *       word is stale (the instance was removed) and is dropped when met.
 *   <li><b>Owners</b>: {@code owners[slot]} names the holding key so that {@link #remove} can tell
 *       the listener. A free slot holds the token of its instance's incarnation; a claimer CASes
 *       that token to its key after winning the word, a releaser CASes it back before freeing the
 *       word, and removal swaps in {@link #REVOKED} after freezing the word. Whoever wins the owner
 *       cell decides: a claimer that loses it lost its slot to a removal and claims again.
 * </ul>
 *
 * <h2>Linearization points</h2>
 *
 * Successful reserve: its permit take (the slot it lands on is chosen later; callers see only which
 * one, and the sequential order may have chosen it). Refused reserve: the instant between its two
 * collects of the permit cells that found every count zero and no bracket open (see {@link
 * Permits}). Acquire of a reservation: the word CAS setting the acquired bit. Release and
 * unreserve: the word CAS that frees the slot; the permits it implies are published before the
 * bracket closes, and no refusal falls while it is open. Drain, unhealthy mark, removal: the word
 * CAS that changes the state, inside a bracket with the permit take before it. The provisioner's
 * {@link #add} and {@link #markHealthy}: the permit add after the word write.
 *
 * <h2>Progress</h2>
 *
 * Claims, acquires, releases and unreserves that succeed are lock-free: every retry follows a CAS
 * another thread won. A refusal may wait: it collects again while a bracket is open, and the thread
 * that opened it is a few instructions from closing it and never waits itself. A drain waits while
 * callers hold permits it must take back (they are about to land). {@link KeyTable#hasOther} waits
 * out one step of an insert or removal of the same key. Nothing waits on a thread that waits.
 *
 * <h2>ABA</h2>
 *
 * An instance's table index is reused after it is removed. A request thread that read a word, or
 * holds a key binding, from an earlier instance on that index is caught by the 9-bit incarnation in
 * the word and in the binding, and by the per-incarnation vacancy token in {@code owners}. Freed
 * indices wait in a FIFO queue; the longest-freed one is reused once {@link #REUSE_QUEUE} of them
 * wait (or when no fresh index is left), else a fresh one is taken. So an index comes back only
 * after at least {@code min(REUSE_QUEUE, maxInstances - live) - 1} other indices were freed after
 * it, and fooling the check takes a request thread stalled inside one call while the same index is
 * reused 512 times, that is while at least {@code 512 * (min(REUSE_QUEUE, maxInstances - live) -
 * 1)} instances (over 32 000 with the default queue) are removed: each removal is a cloud call and
 * a provisioner step. In exchange, the indices in use stay below the largest number of instances
 * live at once plus {@link #REUSE_QUEUE}, whatever {@code maxInstances} and however many instances
 * the allocator has seen, so every scan bounded by {@code highWater} (the provisioner's views,
 * counts, a refusal's fallback) costs what is alive, not what ever lived. (The previous rule, fresh
 * indices first, walked {@code highWater} up to {@code maxInstances} on any long run: a 28-day
 * replay with {@code maxInstances} 100 000 took 11 times as long as with 1 000, with identical
 * results.)
 *
 * <h2>Memory ordering</h2>
 *
 * All shared accesses are volatile reads, CAS or volatile read-modify-writes ({@link
 * AtomicLongArray}, {@link AtomicReferenceArray}). Two places need the full fence, not just
 * acquire/release: the level index's clear-then-recheck against a set (Dekker: each side must see
 * the other's write) and the permit cells against instance words (a take must not pass the word CAS
 * after it, a word CAS not the add or bracket end after it, a bracket's begin not the word CAS
 * inside it). Last-activity times are written opaquely: they are advisory and written on a line the
 * thread already owns. Instance ids and slot handles are plain array writes by the provisioner,
 * published by the volatile write of the word that makes the instance ready.
 *
 * <h2>Alternatives rejected</h2>
 *
 * <ul>
 *   <li>One lock or one word for the whole fleet: on two cores a CAS-hammered word loses to a lock,
 *       and a lock serializes every job (see the benchmarks' baselines).
 *   <li>Scanning instances for the fullest one: O(fleet) per claim.
 *   <li>Refusing after a scan of instance words finds nothing: a scan is not a snapshot, so a
 *       refusal could happen when no moment had every slot taken. The permit count costs a take per
 *       claim but makes refusals exact.
 *   <li>A {@code ConcurrentHashMap} for keys: allocates a node per insert.
 *   <li>One global permit word (the design before the striped cells): one CAS per claim and one add
 *       per release on the only line both threads wrote when they worked on different instances; on
 *       two cores it made the allocator slower than one lock.
 *   <li>Striped permit cells refused by one summing pass: not atomic, a permit can move from a cell
 *       not yet read to one already read. Hence the versioned double collect.
 *   <li>No permits on the success path at all (a claim that wins a word CAS needs none): a refusal
 *       would then need a snapshot of every instance word, O(fleet) per refusal, and refusals are
 *       frequent exactly when the fleet is full.
 *   <li>Bracketing only releases under {@code max_use_count}, whose rise depends on order: a drain
 *       can still take a permit backed by another instance's free slot while a release of its own
 *       instance has freed but not yet published, and a refusal then sees none.
 *   <li>Strict "fullest instance first" for every claim (the previous contract): it sends every
 *       thread to the same instance word (the fullest), which on two cores loses to a lock.
 *   <li>Clearing the old level's bit on every move: two shared read-modify-writes per release.
 * </ul>
 *
 * <h2>Cost of an uncontended acquire+release pair</h2>
 *
 * Read-modify-writes: the permit take, the bracket's begin and end, the word CAS on claim and on
 * release, the owner CAS on claim and on release, the key cell CAS on insert and on removal, and,
 * without a use budget, the use counter add (on the word's own line; with {@code max_use_count} the
 * word's claims field counts the releases, see {@link #completedUses}): ten, or nine, all on lines
 * the thread owns when it keeps to its instance and its stripe. No index word is written in steady
 * state, no {@code nanoTicker} call unless the instance becomes empty, no string is hashed (the
 * key's hash is cached) nor any other key's string dereferenced (the key table's fingerprints).
 *
 * <p>So the read-modify-writes are the cost: {@code RmwFloorBenchmark} (ten CASes on a private
 * line, nothing else) runs at 1.2 times this allocator's pairs, in the same JMH run. Each one this
 * design could shed is worth about a tenth of a pair. The owner CASes could become one volatile
 * store on claim if removal arbitrated through the key cell instead; as it stands that is unsound:
 * a request thread that meets a stale binding drops it, and the removal would then find nothing to
 * tell, so the key's holder would never learn of the removal.
 *
 * <p>This class is longer than the house limit because the hot path, its proof obligations and the
 * provisioner operations that must respect them are kept in one place.
 */
final class PackingSlotAllocator implements SlotAllocator {

  private static final int STRIDE = 8;

  /**
   * Slot numbers are {@code instance << SLOT_SHIFT | bit}: a power-of-two stride of the largest
   * capacity, so the hot path splits a slot with a shift and a mask instead of a division, and the
   * owner cells one instance's holders CAS (at most 16 compressed references, 64 bytes) share no
   * cache line with another instance's. Costs {@code 16 - capacity} unused owner and handle cells
   * per instance. Measured in one JMH run each (2 forks), two threads: 10 instances 4.5 ± 2.0 to
   * 5.7 ± 1.1 pairs/us, 100 000 instances 7.5 ± 10 to 11.2 ± 0.2.
   */
  private static final int SLOT_SHIFT = 4;

  private static final int SLOT_MASK = (1 << SLOT_SHIFT) - 1;

  static {
    if ((1 << SLOT_SHIFT) < SlotLimits.MAX_CAPACITY_PER_INSTANCE) {
      throw new AssertionError("slot stride below the largest capacity");
    }
  }

  /**
   * Freed indices that wait before the longest-freed one is reused (see the design notes on ABA):
   * the margin against a stalled request thread, and the headroom of {@code highWater} over the
   * largest live fleet.
   */
  static final int REUSE_QUEUE = 64;

  private static final int WORD = 0;
  private static final int LAST_ACTIVITY = 1;
  private static final int USES = 2;

  /** Largest number of permit stripes: threads beyond it share stripes. */
  static final int MAX_STRIPES = 64;

  private static final Object REVOKED = new Object();
  private static final Object[] VACANT = new Object[InstanceWord.INCARNATIONS];

  static {
    for (int i = 0; i < VACANT.length; i++) {
      VACANT[i] = new Object();
    }
  }

  private final SlotLimits limits;
  private final int capacity;
  private final int maxUse;
  private final AtomicLongArray meta;
  // The permit count striped by thread, and each stripe's sticky hint: incarnation << 32 | (index
  // + 1) of the instance the stripe last placed a claim on; 0 for none.
  private final Permits permits;
  private final AtomicReferenceArray<Object> owners;
  private final @Nullable Slot[] handles;
  private final @Nullable String[] ids;
  private final KeyTable keys;
  private final LevelIndex levels;
  private final RemovalListener listener;
  private final LongSupplier ticker;

  // Provisioner-confined, except highWater which readers use to bound their scans.
  private final ConcurrentHashMap<String, Integer> indexById = new ConcurrentHashMap<>();
  private final ArrayDeque<Integer> freeIndices = new ArrayDeque<>();
  private final int reuseQueue;
  private volatile int highWater;

  PackingSlotAllocator(SlotLimits limits, RemovalListener listener, LongSupplier ticker) {
    this(limits, listener, ticker, defaultStripes(Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Four stripes per processor, as a power of two, at most {@link #MAX_STRIPES}: few enough that a
   * refusal's two collects stay short, enough that threads that run at once rarely share one.
   */
  static int defaultStripes(int processors) {
    int wanted = Math.min(MAX_STRIPES, 4 * Math.max(1, processors));
    return Integer.highestOneBit(wanted - 1) << 1;
  }

  /** As the public constructor, with {@code stripes} permit stripes (a power of two). */
  PackingSlotAllocator(
      SlotLimits limits, RemovalListener listener, LongSupplier ticker, int stripes) {
    this(limits, listener, ticker, stripes, REUSE_QUEUE);
  }

  /**
   * As above, reusing a freed index once {@code reuseQueue} (at least 1) wait: tests reuse at once
   * to race late requests on a removed instance against its index's next incarnation.
   */
  PackingSlotAllocator(
      SlotLimits limits,
      RemovalListener listener,
      LongSupplier ticker,
      int stripes,
      int reuseQueue) {
    if (reuseQueue < 1) {
      throw new IllegalArgumentException("reuseQueue must be at least 1, got " + reuseQueue);
    }
    this.reuseQueue = reuseQueue;
    this.permits = new Permits(stripes);
    this.limits = limits;
    this.capacity = limits.capacityPerInstance();
    this.maxUse = limits.maxUseCount();
    this.listener = Objects.requireNonNull(listener, "listener");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    int n = limits.maxInstances();
    meta = new AtomicLongArray(n * STRIDE);
    owners = new AtomicReferenceArray<>(n << SLOT_SHIFT);
    handles = new Slot[n << SLOT_SHIFT];
    ids = new String[n];
    keys = new KeyTable(n * capacity);
    levels = new LevelIndex(capacity, n, i -> InstanceWord.claimable(word(i), capacity, maxUse));
  }

  /** Indices ever handed out and not all freed: every scan's bound. For tests. */
  int indicesInUse() {
    return highWater;
  }

  @Override
  public SlotLimits limits() {
    return limits;
  }

  // ---------------------------------------------------------------- request path

  @Override
  public Claim reserve(String key) {
    Objects.requireNonNull(key, "key");
    if (liveCell(key) >= 0) {
      return Refusal.ALREADY_HELD;
    }
    if (!takePermit()) {
      return Refusal.NO_CAPACITY;
    }
    return place(key, false);
  }

  @Override
  public Claim acquire(String key) {
    Objects.requireNonNull(key, "key");
    int cell = liveCell(key);
    if (cell >= 0) {
      long binding = keys.bindingOf(cell, key);
      if (binding != KeyTable.FREE) {
        int slot = (int) binding;
        int i = slot >>> SLOT_SHIFT;
        long acquiredBit = InstanceWord.acquiredBit(slot & SLOT_MASK);
        for (; ; ) {
          long w = word(i);
          if (stale(w, binding)) {
            keys.remove(cell, binding);
            break; // revoked by a removal: the key holds nothing, claim afresh
          }
          if ((w & acquiredBit) != 0) {
            return Refusal.ALREADY_ACQUIRED;
          }
          // Read before the CAS: once the CAS succeeds on a live word, no later instance can have
          // replaced the handle yet.
          Slot handle = handle(slot);
          if (casWord(i, w, w | acquiredBit)) {
            return handle;
          }
        }
      }
    }
    if (!takePermit()) {
      return Refusal.NO_CAPACITY;
    }
    return place(key, true);
  }

  @Override
  public Outcome release(String key) {
    return free(key, true);
  }

  @Override
  public Outcome unreserve(String key) {
    return free(key, false);
  }

  /** Claims a slot for a permit holder and binds it to the key. */
  private Claim place(String key, boolean acquire) {
    for (; ; ) {
      long claim = claimSlot(acquire);
      int slot = (int) claim;
      int incarnation = (int) (claim >>> 32);
      int i = slot >>> SLOT_SHIFT;
      // Read before the owner CAS: if that CAS succeeds, no removal has reached this slot, so no
      // later instance on this index has replaced the handle.
      Slot handle = handle(slot);
      if (!owners.compareAndSet(slot, VACANT[incarnation], key)) {
        // The instance was removed between our word CAS and now; the slot went with it.
        if (!takePermit()) {
          return Refusal.NO_CAPACITY;
        }
        continue;
      }
      int cell = keys.insert(key, claim);
      if (keys.hasOther(key, cell)) {
        // Two threads are using one key at once: give ours back rather than bind two slots.
        keys.remove(cell, claim);
        if (owners.compareAndSet(slot, key, VACANT[incarnation])) {
          freeWord(i, slot & SLOT_MASK, claim, false);
        }
        return Refusal.ALREADY_HELD;
      }
      if (stale(word(i), claim)) {
        // Removed after we took the owner cell: the listener has been told about this key.
        keys.remove(cell, claim);
      }
      return handle;
    }
  }

  /**
   * Claims one slot for a permit holder: on this thread's sticky instance (the one its stripe last
   * placed a claim on) if that instance, same incarnation, still has room, else on the fullest
   * ready instance with room. The caller holds a permit, so a slot exists; the loop ends as soon as
   * this thread wins one CAS.
   *
   * @return {@code incarnation << 32 | slot}
   */
  private long claimSlot(boolean acquire) {
    int stripe = permits.stripe();
    int start = spread((int) Thread.currentThread().threadId());
    long hint = permits.hint(stripe);
    int avoid = -1;
    if (hint != 0) {
      int i = (int) hint - 1;
      long w = word(i);
      if (InstanceWord.incarnation(w) == (int) (hint >>> 32)) {
        int claimable = InstanceWord.claimable(w, capacity, maxUse);
        if (claimable > 0) {
          long claim = claimOn(i, w, claimable, acquire);
          if (claim >= 0) {
            return claim;
          }
          // Lost a race on this word: another thread works here too. Move elsewhere, so that
          // threads that met on one instance spread over different words.
          avoid = i;
        }
      }
    }
    long claim = search(acquire, start, avoid);
    long next = (claim & ~0xFFFF_FFFFL) | (((int) claim >>> SLOT_SHIFT) + 1);
    if (next != hint) {
      permits.setHint(stripe, next);
    }
    return claim;
  }

  /**
   * The fullest ready instance with room, other than {@code avoid} if there is one; see {@link
   * #claimSlot}.
   */
  private long search(boolean acquire, int start, int avoid) {
    for (; ; ) {
      for (int skip = avoid; ; skip = -1) {
        for (int level = 1; level <= capacity; level++) {
          int i;
          while ((i = levels.find(level, start, skip)) >= 0) {
            long claim = tryClaim(i, level, acquire);
            if (claim >= 0) {
              return claim;
            }
          }
        }
        if (skip < 0) {
          break;
        }
      }
      // Every hint was stale (writers still fixing them): look at the words themselves.
      int high = highWater;
      for (int i = 0; i < high; i++) {
        long claim = tryClaim(i, 0, acquire);
        if (claim >= 0) {
          return claim;
        }
      }
      Thread.onSpinWait();
    }
  }

  /**
   * Claims a slot on instance {@code i} if it has {@code level} claimable slots or fewer (any
   * number when {@code level} is 0), else fixes the hint that led here.
   */
  private long tryClaim(int i, int level, boolean acquire) {
    for (; ; ) {
      long w = word(i);
      int claimable = InstanceWord.claimable(w, capacity, maxUse);
      if (claimable == 0 || (level > 0 && claimable > level)) {
        if (level > 0) {
          levels.clearStale(level, i);
        }
        return -1;
      }
      long claim = claimOn(i, w, claimable, acquire);
      if (claim >= 0) {
        return claim;
      }
    }
  }

  /** One CAS claiming the lowest free slot of word {@code w} (which has room); -1 if it lost. */
  private long claimOn(int i, long w, int claimable, boolean acquire) {
    int bit = Long.numberOfTrailingZeros(~InstanceWord.busy(w));
    long next = w | (1L << bit);
    if (acquire) {
      next |= InstanceWord.acquiredBit(bit);
    }
    if (maxUse > 0) {
      next = InstanceWord.plusClaims(next, 1);
    }
    if (!casWord(i, w, next)) {
      return -1;
    }
    levels.move(i, claimable, InstanceWord.claimable(next, capacity, maxUse));
    return ((long) InstanceWord.incarnation(w) << 32) | ((i << SLOT_SHIFT) | bit);
  }

  /** Frees the key's slot: a release (acquired, counts a use) or an unreserve (refunds it). */
  private Outcome free(String key, boolean release) {
    Objects.requireNonNull(key, "key");
    int cell = liveCell(key);
    if (cell < 0) {
      return Outcome.NOT_HELD;
    }
    long binding = keys.bindingOf(cell, key);
    if (binding == KeyTable.FREE) {
      return Outcome.NOT_HELD;
    }
    int slot = (int) binding;
    int i = slot >>> SLOT_SHIFT;
    int bit = slot & SLOT_MASK;
    long w = word(i);
    if (stale(w, binding)) {
      // Removed since liveCell looked (and perhaps the index reused): never judge by a later
      // instance's word.
      keys.remove(cell, binding);
      return Outcome.NOT_HELD;
    }
    boolean acquired = (w & InstanceWord.acquiredBit(bit)) != 0;
    if (acquired != release) {
      return release ? Outcome.NOT_ACQUIRED : Outcome.NOT_RESERVED;
    }
    // The owner cell must still name this key: a caller stalled across the removal of its
    // instance and the reuse of its index would otherwise free another key's slot.
    Object owner = owners.get(slot);
    if (!(owner instanceof String holder)
        || !holder.equals(key)
        || !owners.compareAndSet(slot, owner, VACANT[(int) (binding >>> 32)])) {
      keys.remove(cell, binding); // removed under us: the listener has been told
      return Outcome.NOT_HELD;
    }
    // If the word is removed by now, the removal found our owner cell vacant and told nobody:
    // this call came first, and the slot left with its instance. Either way the key is free.
    freeWord(i, bit, binding, release);
    keys.remove(cell, binding);
    return Outcome.FREED;
  }

  /**
   * Clears a slot's bits in the word, then publishes any rise in claimable slots, the two steps
   * bracketed in the permits so that no refusal falls between them. Does nothing if the instance
   * was removed first.
   */
  private void freeWord(int i, int bit, long binding, boolean release) {
    long mask = ~((1L << bit) | InstanceWord.acquiredBit(bit));
    int stripe = permits.stripe();
    boolean open = false;
    for (; ; ) {
      long w = word(i);
      if (stale(w, binding)) {
        if (open) {
          permits.end(stripe, 0);
        }
        return;
      }
      long next = w & mask;
      if (!release && maxUse > 0) {
        next = InstanceWord.plusClaims(next, -1);
      }
      int before = InstanceWord.claimable(w, capacity, maxUse);
      int after = InstanceWord.claimable(next, capacity, maxUse);
      if (after > before && !open) {
        permits.begin(stripe);
        open = true;
      }
      if (casWord(i, w, next)) {
        if (release && maxUse == 0) {
          meta.getAndIncrement(i * STRIDE + USES); // with a use budget, the word counts them
        }
        if (InstanceWord.busy(next) == 0) {
          touch(i); // idle from now: the start of its idle_time
        }
        levels.move(i, before, after);
        if (open) {
          permits.end(stripe, Math.max(0, after - before));
        }
        return;
      }
    }
  }

  /** The key's cell if its binding is live; drops a stale binding and returns -1. */
  private int liveCell(String key) {
    int cell = keys.find(key);
    if (cell < 0) {
      return -1;
    }
    long binding = keys.bindingOf(cell, key);
    if (binding == KeyTable.FREE) {
      return -1;
    }
    if (stale(word((int) binding >>> SLOT_SHIFT), binding)) {
      keys.remove(cell, binding);
      return -1;
    }
    return cell;
  }

  private static boolean stale(long word, long binding) {
    int state = InstanceWord.state(word);
    return state == REMOVED
        || state == EMPTY
        || InstanceWord.incarnation(word) != (int) (binding >>> 32);
  }

  private boolean takePermit() {
    return permits.take(permits.stripe());
  }

  private Slot handle(int slot) {
    return Objects.requireNonNull(handles[slot]);
  }

  private long word(int i) {
    return meta.get(i * STRIDE + WORD);
  }

  private boolean casWord(int i, long expected, long next) {
    return meta.compareAndSet(i * STRIDE + WORD, expected, next);
  }

  private void touch(int i) {
    meta.setOpaque(i * STRIDE + LAST_ACTIVITY, ticker.getAsLong());
  }

  private static int spread(int h) {
    h *= 0x9E3779B9;
    return (h ^ (h >>> 16)) & 0x7FFF_FFFF;
  }

  // ---------------------------------------------------------------- provisioner path

  @Override
  public void add(String instanceId) {
    install(instanceId, 0, 0, List.of());
  }

  @Override
  public List<Slot> adopt(String instanceId, int claims, long completedUses, List<Holding> held) {
    if (claims < 0 || completedUses < 0) {
      throw new IllegalArgumentException(
          "claims and completedUses must be >= 0, got " + claims + " and " + completedUses);
    }
    long seenBits = 0;
    Set<String> seenKeys = new HashSet<>();
    for (Holding h : held) {
      if (h.index() >= capacity) {
        throw new IllegalArgumentException(
            "cannot adopt " + h + " on " + instanceId + ": capacity_per_instance is " + capacity);
      }
      if ((seenBits & (1L << h.index())) != 0 || !seenKeys.add(h.key())) {
        throw new IllegalArgumentException(
            "cannot adopt " + h + " on " + instanceId + ": slot or key given twice");
      }
      if (liveCell(h.key()) >= 0) {
        throw new IllegalArgumentException(
            "cannot adopt " + h + " on " + instanceId + ": the key holds a live slot");
      }
      seenBits |= 1L << h.index();
    }
    int i = install(instanceId, claims, completedUses, held);
    List<Slot> slots = new ArrayList<>(held.size());
    for (Holding h : held) {
      slots.add(handle((i << SLOT_SHIFT) | h.index()));
    }
    return slots;
  }

  /**
   * Puts an instance on a free index, ready, with {@code held} taken. Everything but the word is
   * written first; the word's volatile write publishes the instance to request threads, and no
   * request thread can reach the held slots' keys before it (their bindings name this index's new
   * incarnation, which is stale until the word is written).
   */
  private int install(String instanceId, int claims, long completedUses, List<Holding> held) {
    Objects.requireNonNull(instanceId, "instanceId");
    if (indexById.containsKey(instanceId)) {
      throw new IllegalStateException("instance " + instanceId + " is already live");
    }
    // The longest-freed index once enough wait (or no fresh one is left), else a fresh one: a
    // reused index is where a stalled request thread could meet a word of a later incarnation, so
    // it comes back only after REUSE_QUEUE others were freed (see the design notes on ABA).
    int i;
    boolean freshLeft = highWater < limits.maxInstances();
    if (!freeIndices.isEmpty() && (freeIndices.size() >= reuseQueue || !freshLeft)) {
      i = freeIndices.removeFirst();
    } else if (freshLeft) {
      i = highWater;
    } else {
      throw new IllegalStateException(
          "cannot add instance "
              + instanceId
              + ": "
              + limits.maxInstances()
              + " instances (maxInstances) are live");
    }
    int incarnation = (InstanceWord.incarnation(word(i)) + 1) % InstanceWord.INCARNATIONS;
    for (int bit = 0; bit < capacity; bit++) {
      handles[(i << SLOT_SHIFT) | bit] = new Slot(instanceId, bit);
      owners.set((i << SLOT_SHIFT) | bit, VACANT[incarnation]);
    }
    long w = InstanceWord.fresh(incarnation);
    for (Holding h : held) {
      int slot = (i << SLOT_SHIFT) | h.index();
      owners.set(slot, h.key());
      keys.insert(h.key(), ((long) incarnation << 32) | slot);
      w |= 1L << h.index();
      if (h.acquired()) {
        w |= InstanceWord.acquiredBit(h.index());
      }
    }
    long uses = completedUses;
    if (maxUse > 0) {
      // Never below the held slots, or unreserving them would take the field below zero.
      int charged = Math.max(held.size(), Math.min(maxUse, claims));
      w = InstanceWord.plusClaims(w, charged);
      uses -= charged - held.size(); // the base that completedUses(w) adds to
    }
    ids[i] = instanceId;
    meta.set(i * STRIDE + USES, uses);
    meta.set(i * STRIDE + LAST_ACTIVITY, ticker.getAsLong());
    if (i == highWater) {
      highWater = i + 1;
    }
    meta.set(i * STRIDE + WORD, w);
    indexById.put(instanceId, i);
    int claimable = InstanceWord.claimable(w, capacity, maxUse);
    levels.move(i, 0, claimable);
    if (claimable > 0) {
      permits.add(permits.stripe(), claimable);
    }
    return i;
  }

  @Override
  public boolean drain(String instanceId) {
    Integer i = indexById.get(instanceId);
    return i != null && withdraw(i, DRAINING, (1 << READY) | (1 << UNHEALTHY) | (1 << DRAINING));
  }

  @Override
  public boolean markUnhealthy(String instanceId) {
    Integer i = indexById.get(instanceId);
    return i != null && withdraw(i, UNHEALTHY, 1 << READY);
  }

  @Override
  public boolean markHealthy(String instanceId) {
    Integer i = indexById.get(instanceId);
    if (i == null) {
      return false;
    }
    for (; ; ) {
      long w = word(i);
      if (InstanceWord.state(w) != UNHEALTHY) {
        return false;
      }
      long next = InstanceWord.withState(w, READY);
      if (casWord(i, w, next)) {
        int claimable = InstanceWord.claimable(next, capacity, maxUse);
        levels.move(i, 0, claimable);
        if (claimable > 0) {
          permits.add(permits.stripe(), claimable);
        }
        return true;
      }
    }
  }

  @Override
  public List<String> remove(String instanceId, String cause) {
    Objects.requireNonNull(cause, "cause");
    Integer boxed = indexById.get(instanceId);
    if (boxed == null) {
      return List.of();
    }
    int i = boxed;
    withdraw(i, REMOVED, (1 << READY) | (1 << UNHEALTHY) | (1 << DRAINING));
    long frozen = word(i); // no CAS succeeds on a removed word
    long binding = (long) InstanceWord.incarnation(frozen) << 32;
    List<String> told = new ArrayList<>();
    for (long busy = InstanceWord.busy(frozen); busy != 0; busy &= busy - 1) {
      int slot = (i << SLOT_SHIFT) | Long.numberOfTrailingZeros(busy);
      if (owners.getAndSet(slot, REVOKED) instanceof String key) {
        int cell = keys.find(key);
        if (cell >= 0) {
          keys.remove(cell, binding | slot);
        }
        told.add(key);
        listener.revoked(key, instanceId, cause);
      }
    }
    indexById.remove(instanceId);
    freeIndices.addLast(i);
    return told;
  }

  /**
   * Moves instance {@code i} to {@code state} if its state is in {@code fromStates}, taking back
   * its claimable slots from the permits first (waiting while callers that hold permits still need
   * them). Taking and the word CAS are bracketed in the permits, so that no refusal falls between.
   */
  private boolean withdraw(int i, int state, int fromStates) {
    int stripe = permits.stripe();
    for (; ; ) {
      long w = word(i);
      if ((fromStates & (1 << InstanceWord.state(w))) == 0) {
        return false;
      }
      if (InstanceWord.state(w) == state) {
        return true;
      }
      int claimable = InstanceWord.claimable(w, capacity, maxUse);
      permits.begin(stripe);
      if (claimable > 0 && !permits.takeMany(stripe, claimable)) {
        permits.end(stripe, 0);
        Thread.onSpinWait(); // permit holders are about to claim some of these slots
        continue;
      }
      if (casWord(i, w, InstanceWord.withState(w, state))) {
        levels.move(i, claimable, 0);
        permits.end(stripe, 0);
        return true;
      }
      permits.end(stripe, claimable);
    }
  }

  // ---------------------------------------------------------------- readers

  /** Claimable slots not promised to any caller; equals {@code counts().idle()} when quiet. */
  long availablePermits() {
    return permits.available();
  }

  @Override
  public SlotCounts counts() {
    int instances = 0;
    long idle = 0;
    long reserved = 0;
    long acquired = 0;
    long unavailable = 0;
    long unhealthy = 0;
    int high = highWater;
    for (int i = 0; i < high; i++) {
      long w = word(i);
      int state = InstanceWord.state(w);
      if (state == EMPTY || state == REMOVED) {
        continue;
      }
      instances++;
      long busy = InstanceWord.busy(w);
      long acq = InstanceWord.acquired(w);
      int free = capacity - Long.bitCount(busy);
      int claimable = InstanceWord.claimable(w, capacity, maxUse);
      reserved += Long.bitCount(busy & ~acq);
      acquired += Long.bitCount(acq);
      if (state == UNHEALTHY) {
        unhealthy += free;
      } else {
        idle += claimable;
        unavailable += free - claimable;
      }
    }
    return new SlotCounts(instances, idle, reserved, acquired, unavailable, unhealthy);
  }

  @Override
  public List<Holding> holdings(String instanceId) {
    Integer boxed = indexById.get(instanceId);
    if (boxed == null) {
      return List.of();
    }
    int i = boxed;
    for (; ; ) {
      long w = word(i);
      int state = InstanceWord.state(w);
      if (state == EMPTY || state == REMOVED || !instanceId.equals(ids[i])) {
        return List.of();
      }
      List<Holding> held = new ArrayList<>();
      for (long busy = InstanceWord.busy(w); busy != 0; busy &= busy - 1) {
        int bit = Long.numberOfTrailingZeros(busy);
        // A busy bit without a key is a claim or release in flight: not handed out, or done.
        if (owners.get((i << SLOT_SHIFT) | bit) instanceof String key) {
          held.add(new Holding(key, bit, (w & InstanceWord.acquiredBit(bit)) != 0));
        }
      }
      // Owners were read against this word; if it moved meanwhile, read both again.
      if (word(i) == w) {
        return held;
      }
    }
  }

  /**
   * Releases counted on instance {@code i} as of its word {@code w}. With a use budget the word
   * counts them: a claim adds one to its claims, an unreserve takes it back, a release leaves it
   * and frees the slot, so claims minus busy slots is the releases, plus the base {@link #install}
   * set for an adopted instance. Without one, a counter beside the word.
   */
  private long completedUses(int i, long w) {
    long base = meta.get(i * STRIDE + USES);
    return maxUse == 0 ? base : base + InstanceWord.claims(w) - Long.bitCount(InstanceWord.busy(w));
  }

  @Override
  public List<InstanceView> instances() {
    List<InstanceView> views = new ArrayList<>();
    int high = highWater;
    for (int i = 0; i < high; i++) {
      long w = word(i);
      int state = InstanceWord.state(w);
      String id = ids[i];
      if (state == EMPTY || state == REMOVED || id == null) {
        continue;
      }
      InstanceView.State viewState =
          switch (state) {
            case READY -> InstanceView.State.READY;
            case DRAINING -> InstanceView.State.DRAINING;
            default -> InstanceView.State.UNHEALTHY;
          };
      int claims = InstanceWord.claims(w);
      views.add(
          new InstanceView(
              id,
              viewState,
              Long.bitCount(InstanceWord.busy(w)),
              claims,
              completedUses(i, w),
              meta.getOpaque(i * STRIDE + LAST_ACTIVITY),
              maxUse > 0 && claims >= maxUse));
    }
    return views;
  }
}
