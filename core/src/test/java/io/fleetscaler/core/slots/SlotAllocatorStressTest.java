package io.fleetscaler.core.slots;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A bounded multi-threaded harness: request threads run millions of random operations on their own
 * keys while a provisioner adds, drains, marks and removes instances, and a reader checks counts.
 * Every invariant of {@link SlotAllocator} is checked as it goes and again at the end: no slot held
 * by two keys, every result consistent with what the key held, held slots within capacity, claims
 * within {@code max_use_count}, and permits equal to idle slots once quiet.
 */
class SlotAllocatorStressTest {

  private static final int WORKERS = 3;
  private static final int KEYS_PER_WORKER = 12;
  private static final int OPS_PER_WORKER = 400_000;
  private static final int CAPACITY = 4;
  private static final int MAX_USE = 40;
  private static final int MAX_INSTANCES = 64;
  // The provisioner keeps fewer live than this (besides the four booted ones it may remove).
  private static final int MAX_LIVE = 15;

  private final Map<Slot, String> holders = new ConcurrentHashMap<>();
  // Revocations told per key, and how many of them each worker has accounted for.
  private final Map<String, AtomicInteger> revocations = new ConcurrentHashMap<>();
  private final Map<String, Integer> accounted = new ConcurrentHashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final AtomicLong freed = new AtomicLong();

  @Test
  void invariantsHoldUnderConcurrentUse() throws InterruptedException {
    invariantsHold(
        SlotAllocator.create(
            new SlotLimits(MAX_INSTANCES, CAPACITY, MAX_USE), this::revoked, System::nanoTime));
  }

  /**
   * The same under index reuse at its most eager: plenty of fresh indices, yet each removed
   * instance's index is handed to the next added one at once, while workers still hold (and late
   * release or unreserve) bindings to the removed incarnation. The indices in use stay within the
   * largest live fleet plus one.
   */
  @Test
  void invariantsHoldWhenRemovedIndicesAreReusedAtOnce() throws InterruptedException {
    PackingSlotAllocator allocator =
        new PackingSlotAllocator(
            new SlotLimits(4096, CAPACITY, MAX_USE),
            this::revoked,
            System::nanoTime,
            PackingSlotAllocator.defaultStripes(Runtime.getRuntime().availableProcessors()),
            1);
    invariantsHold(allocator);
    assertThat(allocator.indicesInUse())
        .as("indices in use, with at most %d instances live at once", MAX_LIVE)
        .isLessThanOrEqualTo(MAX_LIVE + 1);
  }

  private void revoked(String key, String instanceId, String cause) {
    revocations.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  private void invariantsHold(SlotAllocator allocator) throws InterruptedException {
    current = allocator;
    for (int i = 0; i < 4; i++) {
      allocator.add("boot-" + i);
    }
    AtomicBoolean workersDone = new AtomicBoolean();
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      int worker = w;
      workers.add(Thread.ofPlatform().start(() -> work(allocator, worker, new Random(7 + worker))));
    }
    Thread provisioner =
        Thread.ofPlatform().start(() -> provision(allocator, workersDone, new Random(99)));
    Thread reader = Thread.ofPlatform().start(() -> read(allocator, workersDone));
    for (Thread t : workers) {
      assertThat(t.join(java.time.Duration.ofMinutes(2))).as("worker finished").isTrue();
    }
    workersDone.set(true);
    provisioner.join(TimeUnit.MINUTES.toMillis(1));
    reader.join(TimeUnit.MINUTES.toMillis(1));

    assertThat(violations).isEmpty();
    SlotCounts counts = allocator.counts();
    assertThat(counts.reserved()).isZero();
    assertThat(counts.acquired()).isZero();
    assertThat(((PackingSlotAllocator) allocator).availablePermits()).isEqualTo(counts.idle());
    assertThat(counts.idle() + counts.unavailable() + counts.unhealthy())
        .isEqualTo((long) counts.instances() * CAPACITY);
    assertThat(freed.get()).as("some work happened").isPositive();
    assertThat(revocations).as("removals revoked some held slots").isNotEmpty();
  }

  private void work(SlotAllocator allocator, int worker, Random random) {
    Map<String, @Nullable Slot> reserved = new HashMap<>();
    Map<String, @Nullable Slot> acquired = new HashMap<>();
    for (int op = 0; op < OPS_PER_WORKER; op++) {
      String key = "w" + worker + "-k" + random.nextInt(KEYS_PER_WORKER);
      Slot mine = reserved.containsKey(key) ? reserved.get(key) : acquired.get(key);
      boolean isAcquired = acquired.containsKey(key);
      switch (random.nextInt(4)) {
        case 0 -> {
          Claim c = allocator.reserve(key);
          if (mine != null && c == Refusal.ALREADY_HELD) {
            continue;
          }
          forgetIfRevoked(key, mine, reserved, acquired, "reserve -> " + c);
          if (c instanceof Slot s) {
            take(key, s);
            reserved.put(key, s);
          } else if (c != Refusal.NO_CAPACITY) {
            violations.add(key + " reserve returned " + c + " holding nothing");
          }
        }
        case 1 -> {
          Claim c = allocator.acquire(key);
          if (mine != null && isAcquired && c == Refusal.ALREADY_ACQUIRED) {
            continue;
          }
          if (mine != null && !isAcquired && c.equals(mine)) {
            reserved.remove(key);
            acquired.put(key, mine);
            continue;
          }
          forgetIfRevoked(key, mine, reserved, acquired, "acquire -> " + c);
          if (c instanceof Slot s) {
            take(key, s);
            acquired.put(key, s);
          } else if (c != Refusal.NO_CAPACITY) {
            violations.add(key + " acquire returned " + c + " holding nothing");
          }
        }
        case 2 -> {
          if (mine != null && isAcquired) {
            holders.remove(mine, key);
            Outcome o = allocator.release(key);
            acquired.remove(key);
            if (o == Outcome.FREED) {
              freed.incrementAndGet();
            } else if (o != Outcome.NOT_HELD || !awaitRevoked(key)) {
              violations.add(key + " release of an acquired slot returned " + o);
            }
          } else {
            Outcome o = allocator.release(key);
            Outcome expected = mine == null ? Outcome.NOT_HELD : Outcome.NOT_ACQUIRED;
            if (o != expected) {
              forgetIfRevoked(key, mine, reserved, acquired, "release -> " + o);
            }
          }
        }
        default -> {
          if (mine != null && !isAcquired) {
            holders.remove(mine, key);
            Outcome o = allocator.unreserve(key);
            reserved.remove(key);
            if (o != Outcome.FREED && (o != Outcome.NOT_HELD || !awaitRevoked(key))) {
              violations.add(key + " unreserve of a reserved slot returned " + o);
            }
          } else {
            Outcome o = allocator.unreserve(key);
            Outcome expected = mine == null ? Outcome.NOT_HELD : Outcome.NOT_RESERVED;
            if (o != expected) {
              forgetIfRevoked(key, mine, reserved, acquired, "unreserve -> " + o);
            }
          }
        }
      }
    }
    // Leave the registry first, as a job would stop using its slot before giving it back.
    for (Map.Entry<String, @Nullable Slot> e : reserved.entrySet()) {
      forget(e.getKey(), e.getValue());
      allocator.unreserve(e.getKey());
    }
    for (Map.Entry<String, @Nullable Slot> e : acquired.entrySet()) {
      forget(e.getKey(), e.getValue());
      allocator.release(e.getKey());
    }
  }

  private void forget(String key, @Nullable Slot slot) {
    if (slot != null) {
      holders.remove(slot, key);
    }
  }

  /** A result that only makes sense if the key's slot was revoked: check that it was. */
  private void forgetIfRevoked(
      String key,
      @Nullable Slot mine,
      Map<String, @Nullable Slot> reserved,
      Map<String, @Nullable Slot> acquired,
      String what) {
    if (mine == null) {
      return;
    }
    if (!awaitRevoked(key)) {
      violations.add(
          key + " held " + mine + " but " + what + " without a revocation; " + where(mine));
    }
    holders.remove(mine, key);
    reserved.remove(key);
    acquired.remove(key);
  }

  private @Nullable SlotAllocator current;

  private String where(Slot slot) {
    SlotAllocator a = current;
    return a == null
        ? "?"
        : a.instances().stream()
            .filter(v -> v.instanceId().equals(slot.instanceId()))
            .map(InstanceView::toString)
            .findFirst()
            .orElse("instance gone");
  }

  /**
   * Accounts for one revocation of {@code key}. The listener runs after the removal is visible, so
   * wait for it, within a bound.
   */
  private boolean awaitRevoked(String key) {
    int seen = accounted.getOrDefault(key, 0);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (revocations.computeIfAbsent(key, k -> new AtomicInteger()).get() <= seen) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.onSpinWait();
    }
    accounted.put(key, seen + 1);
    return true;
  }

  private void take(String key, Slot slot) {
    String other = holders.putIfAbsent(slot, key);
    if (other != null) {
      violations.add(slot + " handed to " + key + " while " + other + " holds it");
    }
  }

  private void provision(SlotAllocator allocator, AtomicBoolean done, Random random) {
    int next = 0;
    while (!done.get()) {
      List<InstanceView> live = allocator.instances();
      int choice = random.nextInt(10);
      if (choice < 4 && live.size() < MAX_LIVE - 1) {
        allocator.add("p-" + next++);
      } else if (!live.isEmpty()) {
        String id = live.get(random.nextInt(live.size())).instanceId();
        switch (choice) {
          case 4 -> allocator.drain(id);
          case 5 -> allocator.markUnhealthy(id);
          case 6 -> allocator.markHealthy(id);
          case 7 -> allocator.remove(id, "vanished");
          default -> {
            for (InstanceView v : live) {
              if (v.deletable()) {
                allocator.remove(v.instanceId(), "deleted");
              }
            }
          }
        }
      }
      Thread.onSpinWait();
    }
  }

  private void read(SlotAllocator allocator, AtomicBoolean done) {
    while (!done.get()) {
      for (InstanceView v : allocator.instances()) {
        if (v.held() > CAPACITY || v.claims() > MAX_USE || v.completedUses() > MAX_USE) {
          violations.add("instance over its limits: " + v);
        }
      }
      SlotCounts c = allocator.counts();
      if (c.idle() < 0 || c.reserved() + c.acquired() > (long) c.instances() * CAPACITY) {
        violations.add("impossible counts: " + c);
      }
      Thread.onSpinWait();
    }
  }
}
