package io.fleetscaler.core.slots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The documented results of each call, one example at a time. */
class SlotAllocatorTest {

  private final List<String> told = new ArrayList<>();
  private final AtomicLong now = new AtomicLong(1_000);

  private SlotAllocator allocator(int maxInstances, int capacity, int maxUse) {
    return SlotAllocator.create(
        new SlotLimits(maxInstances, capacity, maxUse),
        (key, id, cause) -> told.add(key + "@" + id + ":" + cause),
        now::get);
  }

  @Test
  void removedIndicesAreReusedSoTheIndicesInUseFollowTheLiveFleetNotItsHistory() {
    PackingSlotAllocator a = (PackingSlotAllocator) allocator(100_000, 2, 1);
    List<String> live = new ArrayList<>();
    for (int n = 0; n < 20_000; n++) {
      String id = "i-" + n;
      a.add(id);
      live.add(id);
      if (a.reserve("k" + n) instanceof Slot s) {
        assertThat(s.instanceId()).isEqualTo(id); // the only instance with room
        assertThat(a.acquire("k" + n)).isEqualTo(s);
      }
      if (live.size() > 5) {
        String gone = live.removeFirst();
        a.remove(gone, "deleted");
      }
    }
    assertThat(a.instances()).hasSize(5);
    assertThat(a.indicesInUse())
        .as("indices in use after 20 000 instances, at most 6 live at once")
        .isLessThanOrEqualTo(6 + PackingSlotAllocator.REUSE_QUEUE);
    // The keys of removed instances were revoked; those of live ones still hold their slots.
    assertThat(a.counts().acquired()).isEqualTo(5);
    assertThat(a.release("k19999")).isEqualTo(Outcome.FREED);
    assertThat(a.release("k0")).isEqualTo(Outcome.NOT_HELD);
  }

  @Test
  void anInstanceAdoptedHoldingMoreThanItsUseBudgetFreesThemWithoutCorruption() {
    // Saved under a larger max_use_count: three reservations held, restored under a budget of 2.
    SlotAllocator a = allocator(1, 4, 2);
    a.adopt(
        "i0",
        1,
        5,
        List.of(
            new Holding("k0", 0, false), new Holding("k1", 1, false), new Holding("k2", 2, true)));

    InstanceView adopted = a.instances().get(0);
    assertThat(adopted.claims()).isEqualTo(3);
    assertThat(adopted.completedUses()).isEqualTo(5);
    assertThat(adopted.exhausted()).isTrue();
    assertThat(a.reserve("new")).isEqualTo(Refusal.NO_CAPACITY);
    assertThat(a.counts().idle()).isZero();

    assertThat(a.unreserve("k0")).isEqualTo(Outcome.FREED);
    assertThat(a.unreserve("k1")).isEqualTo(Outcome.FREED);
    assertThat(a.release("k2")).isEqualTo(Outcome.FREED);

    InstanceView freed = a.instances().get(0);
    assertThat(freed.state()).isEqualTo(InstanceView.State.READY);
    assertThat(freed.held()).isZero();
    assertThat(freed.claims()).isEqualTo(1);
    assertThat(freed.completedUses()).isEqualTo(6);
    assertThat(a.counts().idle()).isEqualTo(1);
    assertThat(a.acquire("new")).isInstanceOf(Slot.class);
    assertThat(a.release("new")).isEqualTo(Outcome.FREED);
    assertThat(a.instances().get(0).completedUses()).isEqualTo(7);
    assertThat(a.instances().get(0).deletable()).isTrue();
  }

  @Test
  void limitsNameTheOffendingValue() {
    assertThatThrownBy(() -> new SlotLimits(1, 17, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity_per_instance must be in 1..16")
        .hasMessageContaining("got 17");
    assertThatThrownBy(() -> new SlotLimits(1, 1, SlotLimits.MAX_USE_COUNT + 1))
        .hasMessageContaining("max_use_count");
    assertThatThrownBy(() -> new SlotLimits(0, 1, 0)).hasMessageContaining("maxInstances");
    assertThatThrownBy(() -> new SlotLimits(SlotLimits.MAX_INSTANCES + 1, 1, 0))
        .hasMessageContaining("maxInstances");
  }

  @Test
  void addRejectsDuplicatesAndOverflow() {
    SlotAllocator a = allocator(1, 1, 0);
    a.add("i0");
    assertThatThrownBy(() -> a.add("i0"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("i0");
    assertThatThrownBy(() -> a.add("i1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("maxInstances");
  }

  @Test
  void reserveAcquireReleaseLifecycle() {
    SlotAllocator a = allocator(2, 2, 0);
    assertThat(a.reserve("k")).isEqualTo(Refusal.NO_CAPACITY);
    a.add("i0");
    Claim reserved = a.reserve("k");
    assertThat(reserved).isEqualTo(new Slot("i0", 0));
    assertThat(a.reserve("k")).isEqualTo(Refusal.ALREADY_HELD);
    assertThat(a.release("k")).isEqualTo(Outcome.NOT_ACQUIRED);
    assertThat(a.acquire("k")).isSameAs(reserved);
    assertThat(a.acquire("k")).isEqualTo(Refusal.ALREADY_ACQUIRED);
    assertThat(a.unreserve("k")).isEqualTo(Outcome.NOT_RESERVED);
    assertThat(a.counts()).isEqualTo(new SlotCounts(1, 1, 0, 1, 0, 0));
    assertThat(a.release("k")).isEqualTo(Outcome.FREED);
    assertThat(a.release("k")).isEqualTo(Outcome.NOT_HELD);
    assertThat(a.release("never-seen")).isEqualTo(Outcome.NOT_HELD);
    assertThat(a.unreserve("never-seen")).isEqualTo(Outcome.NOT_HELD);
    assertThat(a.instances().get(0).completedUses()).isEqualTo(1);
  }

  @Test
  void packsOntoTheFullestReadyInstance() {
    SlotAllocator a = allocator(3, 3, 0);
    a.add("i0");
    a.add("i1");
    Slot first = (Slot) a.acquire("a");
    Slot second = (Slot) a.acquire("b");
    assertThat(second.instanceId()).isEqualTo(first.instanceId());
    Slot third = (Slot) a.acquire("c");
    assertThat(third.instanceId()).isEqualTo(first.instanceId());
    assertThat(((Slot) a.acquire("d")).instanceId()).isNotEqualTo(first.instanceId());
  }

  @Test
  void maxUseCountMakesTheInstanceUnavailableThenDeletable() {
    SlotAllocator a = allocator(1, 2, 2);
    a.add("i0");
    assertThat(a.acquire("a")).isInstanceOf(Slot.class);
    assertThat(a.reserve("b")).isInstanceOf(Slot.class);
    assertThat(a.reserve("c")).isEqualTo(Refusal.NO_CAPACITY);
    assertThat(a.unreserve("b")).isEqualTo(Outcome.FREED); // refunds its claim
    assertThat(a.acquire("c")).isInstanceOf(Slot.class);
    assertThat(a.release("a")).isEqualTo(Outcome.FREED);
    assertThat(a.counts().unavailable()).isEqualTo(1);
    assertThat(a.instances().get(0).exhausted()).isTrue();
    assertThat(a.instances().get(0).deletable()).isFalse();
    now.set(5_000);
    assertThat(a.release("c")).isEqualTo(Outcome.FREED);
    InstanceView view = a.instances().get(0);
    assertThat(view.deletable()).isTrue();
    assertThat(view.completedUses()).isEqualTo(2);
    assertThat(view.lastActivityNanos()).isEqualTo(5_000);
  }

  @Test
  void unhealthyStopsNewWorkUntilHealthy() {
    SlotAllocator a = allocator(1, 2, 0);
    a.add("i0");
    assertThat(a.acquire("a")).isInstanceOf(Slot.class);
    assertThat(a.markUnhealthy("i0")).isTrue();
    assertThat(a.markUnhealthy("i0")).isFalse();
    assertThat(a.reserve("b")).isEqualTo(Refusal.NO_CAPACITY);
    assertThat(a.counts()).isEqualTo(new SlotCounts(1, 0, 0, 1, 0, 1));
    assertThat(a.markHealthy("i0")).isTrue();
    assertThat(a.reserve("b")).isInstanceOf(Slot.class);
    assertThat(a.markHealthy("nope")).isFalse();
    assertThat(a.drain("nope")).isFalse();
  }

  @Test
  void removalTellsEveryHolderWithTheCauseAndFreesTheKeys() {
    SlotAllocator a = allocator(2, 2, 0);
    a.add("i0");
    a.reserve("r");
    a.acquire("q");
    assertThat(a.remove("i0", "vanished")).containsExactlyInAnyOrder("r", "q");
    assertThat(told).containsExactlyInAnyOrder("r@i0:vanished", "q@i0:vanished");
    assertThat(a.release("q")).isEqualTo(Outcome.NOT_HELD);
    assertThat(a.unreserve("r")).isEqualTo(Outcome.NOT_HELD);
    assertThat(a.remove("i0", "again")).isEmpty();
    assertThat(a.counts()).isEqualTo(new SlotCounts(0, 0, 0, 0, 0, 0));
    a.add("i1"); // reuses the index: old bindings must not leak into it
    assertThat(a.acquire("q")).isEqualTo(new Slot("i1", 0));
    assertThat(a.counts().acquired()).isEqualTo(1);
  }

  @Test
  void theRequestPathAllocatesNothing() {
    SlotAllocator a = allocator(16, 4, 0);
    for (int i = 0; i < 16; i++) {
      a.add("i" + i);
    }
    String[] keys = new String[64];
    for (int k = 0; k < keys.length; k++) {
      keys[k] = "job-" + k;
    }
    for (int round = 0; round < 20_000; round++) {
      cycle(a, keys); // warm up: the JIT and lazy class initialisation may allocate once
    }
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().threadId();
    long warm = threads.getThreadAllocatedBytes(tid); // the first call may allocate itself
    long before = threads.getThreadAllocatedBytes(tid);
    assertThat(before).isGreaterThanOrEqualTo(warm);
    for (int round = 0; round < 2_000; round++) {
      cycle(a, keys);
    }
    long allocated = threads.getThreadAllocatedBytes(tid) - before;
    // 2 000 rounds of 64 keys, at least three calls each: one allocation (16 bytes or more) per
    // call would be over 6 MB. What the JVM itself allocates on this thread meanwhile (compilation
    // bookkeeping) stays far below one byte per call.
    long calls = 2_000L * keys.length * 3;
    assertThat(allocated).isLessThan(calls);
  }

  private static void cycle(SlotAllocator a, String[] keys) {
    for (String key : keys) {
      if (a.reserve(key) instanceof Slot) {
        a.acquire(key);
      }
    }
    for (String key : keys) {
      if (a.release(key) != Outcome.FREED) {
        a.unreserve(key);
      }
    }
  }
}
