package io.fleetscaler.core.slots;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * Hands out job slots on instances to callers' keys.
 *
 * <h2>Threads</h2>
 *
 * <ul>
 *   <li>Request methods ({@link #reserve}, {@link #acquire}, {@link #release}, {@link #unreserve})
 *       may be called from any number of threads at once. They never block, never allocate and cost
 *       O(1) amortised whatever the fleet size. One key must be used by one thread at a time (as a
 *       job is); distinct keys may race freely. If one key is nevertheless used by two threads at
 *       once, the invariants below still hold, but the racing calls may both be refused.
 *   <li>Provisioner methods ({@link #add}, {@link #drain}, {@link #markUnhealthy}, {@link
 *       #markHealthy}, {@link #remove}) must be called by one thread at a time (the provisioner
 *       loop). They run concurrently with request methods.
 *   <li>Read methods ({@link #counts}, {@link #instances}) may be called from any thread; they do
 *       not stop writers and cost O(instances).
 * </ul>
 *
 * <h2>Guarantees</h2>
 *
 * A slot is held by at most one key; a key holds at most one slot; an instance never has more slots
 * held than its capacity, nor more claims than {@code max_use_count}. Reserve, acquire, release and
 * unreserve are linearizable, and so are drain, the unhealthy mark and removal with respect to
 * them. Repeated or unknown calls return a {@link Refusal} or {@link Outcome} and change nothing.
 *
 * <h2>Progress</h2>
 *
 * Calls that succeed are lock-free. A refusal ({@link Refusal#NO_CAPACITY}) may wait, without
 * blocking, while another thread is a few instructions from publishing a freed slot, so that it is
 * never refused a slot the sequential order had already freed.
 */
public interface SlotAllocator {

  /**
   * Creates the lock-free allocator.
   *
   * @param limits its fixed shape
   * @param listener told about keys whose instance is removed
   * @param nanoTicker source of {@link InstanceView#lastActivityNanos()} (e.g. {@code
   *     System::nanoTime}; a fake in tests)
   */
  static SlotAllocator create(
      SlotLimits limits, RemovalListener listener, LongSupplier nanoTicker) {
    return new PackingSlotAllocator(limits, listener, nanoTicker);
  }

  /** The shape given at creation. */
  SlotLimits limits();

  /**
   * Claims an idle slot for {@code key}: on the instance the calling thread's last claim landed on,
   * while that instance is live, ready and has room and use budget (thread affinity, so that
   * threads work on different instances); otherwise on the fullest ready instance that has room and
   * use budget. A thread that loses a race on its instance moves to the fullest other one. So
   * claims pack onto few instances, with at most one extra partly filled instance per active
   * thread. The claim counts against {@code max_use_count} until unreserved.
   *
   * @return the reserved {@link Slot}, {@link Refusal#NO_CAPACITY}, or {@link Refusal#ALREADY_HELD}
   *     if the key holds a slot already
   */
  Claim reserve(String key);

  /**
   * Gives back the slot that {@code key} reserved and did not acquire, and its use budget.
   *
   * @return {@link Outcome#FREED}, {@link Outcome#NOT_HELD} or {@link Outcome#NOT_RESERVED}
   */
  Outcome unreserve(String key);

  /**
   * Turns the key's reservation into an acquisition, or, without one, claims and acquires a slot as
   * {@link #reserve} would (same placement).
   *
   * @return the acquired {@link Slot}, {@link Refusal#NO_CAPACITY} (no reservation and no room), or
   *     {@link Refusal#ALREADY_ACQUIRED}
   */
  Claim acquire(String key);

  /**
   * Frees the slot that {@code key} acquired and counts one completed use of its instance.
   *
   * @return {@link Outcome#FREED}, {@link Outcome#NOT_HELD} (unknown key, released twice, or its
   *     instance was removed) or {@link Outcome#NOT_ACQUIRED} (only reserved)
   */
  Outcome release(String key);

  /**
   * Makes a ready instance's slots available.
   *
   * @throws IllegalStateException if the id is live already or {@code maxInstances} are live
   */
  void add(String instanceId);

  /**
   * Makes a ready instance's slots available again after a restart, with the slots its keys held
   * and the claims it had served, so that a restored key finds its slot and the use budget is not
   * reset. Like {@link #add}, but the instance starts with {@code held} taken.
   *
   * @param claims claims charged against {@code max_use_count} before the restart; capped at {@code
   *     max_use_count}, then raised to the number of held slots (a budget lowered across the
   *     restart leaves such an instance exhausted until they are freed); ignored when uses are
   *     unlimited
   * @param completedUses releases counted on it before the restart
   * @param held the slots to give back to their keys; each index below the capacity, no index or
   *     key twice, and no key that holds a live slot already
   *     <p>No request for the keys of {@code held} may run while this call does (the caller holds
   *     them back until it returns).
   * @return the handles of {@code held}, in its order
   * @throws IllegalArgumentException naming the offending holding
   * @throws IllegalStateException as {@link #add} does
   */
  List<Slot> adopt(String instanceId, int claims, long completedUses, List<Holding> held);

  /**
   * Takes no new work on the instance; held slots stay held until released. Idempotent.
   *
   * @return false if the instance is unknown
   */
  boolean drain(String instanceId);

  /**
   * Stops new work on a ready instance until {@link #markHealthy}; held slots stay held.
   *
   * @return false if the instance is unknown or not ready
   */
  boolean markUnhealthy(String instanceId);

  /**
   * Returns an unhealthy instance to ready.
   *
   * @return false if the instance is unknown or not unhealthy
   */
  boolean markHealthy(String instanceId);

  /**
   * Forgets the instance. Every key holding one of its slots loses it and is reported to the
   * listener, on this thread, with {@code cause}.
   *
   * @return the keys that were told; empty if none held a slot or the instance is unknown
   */
  List<String> remove(String instanceId, String cause);

  /**
   * The slots held on a live instance and their keys, for saving them. May be called from any
   * thread. A slot being claimed or freed at the moment may be missing; a claim that returned
   * before this call started is present, with its acquired flag as of that return or later.
   *
   * @return empty if the instance is unknown
   */
  List<Holding> holdings(String instanceId);

  /** Slots by state; see {@link SlotCounts}. */
  SlotCounts counts();

  /** Every live instance, e.g. to find deletable or idle ones. */
  List<InstanceView> instances();
}
