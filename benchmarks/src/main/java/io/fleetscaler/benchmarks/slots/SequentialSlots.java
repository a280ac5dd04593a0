package io.fleetscaler.benchmarks.slots;

import io.fleetscaler.core.slots.Claim;
import io.fleetscaler.core.slots.Holding;
import io.fleetscaler.core.slots.InstanceView;
import io.fleetscaler.core.slots.Outcome;
import io.fleetscaler.core.slots.Refusal;
import io.fleetscaler.core.slots.Slot;
import io.fleetscaler.core.slots.SlotCounts;
import io.fleetscaler.core.slots.SlotLimits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A single-threaded allocator with the same behaviour as the lock-free one (packing onto the
 * fullest ready instance, use budget, drain), for the baselines to guard with a lock. Placement
 * either scans every instance ({@code scan}, as taskscaler does) or uses per-level intrusive lists
 * (O(1), the strongest fair lock baseline). Not thread-safe.
 */
final class SequentialSlots {

  private static final int READY = 0;
  private static final int DRAINING = 1;
  private static final int UNHEALTHY = 2;

  private final SlotLimits limits;
  private final int capacity;
  private final int maxUse;
  private final boolean scan;
  private final String[] ids;
  private final int[] state;
  private final int[] held;
  private final int[] claims;
  private final long[] uses;
  private final long[] busy;
  private final long[] acquired;
  private final Slot[][] handles;
  private final Map<String, Integer> keys = new HashMap<>();
  private final Map<String, Integer> indexById = new HashMap<>();
  // Per-level doubly linked lists of instance indices; level = claimable slots (0 = not listed).
  private final int[] head;
  private final int[] next;
  private final int[] prev;
  private final int[] level;
  private int count;

  SequentialSlots(SlotLimits limits, boolean scan) {
    this.limits = limits;
    this.capacity = limits.capacityPerInstance();
    this.maxUse = limits.maxUseCount();
    this.scan = scan;
    int n = limits.maxInstances();
    ids = new String[n];
    state = new int[n];
    held = new int[n];
    claims = new int[n];
    uses = new long[n];
    busy = new long[n];
    acquired = new long[n];
    handles = new Slot[n][];
    head = new int[capacity + 1];
    java.util.Arrays.fill(head, -1);
    next = new int[n];
    prev = new int[n];
    level = new int[n];
  }

  SlotLimits limits() {
    return limits;
  }

  private int claimable(int i) {
    if (state[i] != READY) {
      return 0;
    }
    int free = capacity - held[i];
    return maxUse == 0 ? free : Math.min(free, maxUse - claims[i]);
  }

  private void relevel(int i) {
    int to = claimable(i);
    int from = level[i];
    if (from == to) {
      return;
    }
    if (from > 0) {
      if (prev[i] >= 0) {
        next[prev[i]] = next[i];
      } else {
        head[from] = next[i];
      }
      if (next[i] >= 0) {
        prev[next[i]] = prev[i];
      }
    }
    if (to > 0) {
      prev[i] = -1;
      next[i] = head[to];
      if (head[to] >= 0) {
        prev[head[to]] = i;
      }
      head[to] = i;
    }
    level[i] = to;
  }

  private int fullest() {
    if (scan) {
      int best = -1;
      int bestClaimable = Integer.MAX_VALUE;
      for (int i = 0; i < count; i++) {
        int c = claimable(i);
        if (c > 0 && c < bestClaimable) {
          best = i;
          bestClaimable = c;
        }
      }
      return best;
    }
    for (int l = 1; l <= capacity; l++) {
      if (head[l] >= 0) {
        return head[l];
      }
    }
    return -1;
  }

  private Claim claim(String key, boolean acquire) {
    int i = fullest();
    if (i < 0) {
      return Refusal.NO_CAPACITY;
    }
    int bit = Long.numberOfTrailingZeros(~busy[i]);
    busy[i] |= 1L << bit;
    if (acquire) {
      acquired[i] |= 1L << bit;
    }
    held[i]++;
    if (maxUse > 0) {
      claims[i]++;
    }
    relevel(i);
    keys.put(key, i * capacity + bit);
    return handles[i][bit];
  }

  Claim reserve(String key) {
    return keys.containsKey(key) ? Refusal.ALREADY_HELD : claim(key, false);
  }

  Claim acquire(String key) {
    Integer slot = keys.get(key);
    if (slot == null) {
      return claim(key, true);
    }
    int i = slot / capacity;
    long bit = 1L << (slot % capacity);
    if ((acquired[i] & bit) != 0) {
      return Refusal.ALREADY_ACQUIRED;
    }
    acquired[i] |= bit;
    return handles[i][slot % capacity];
  }

  Outcome free(String key, boolean release) {
    Integer slot = keys.get(key);
    if (slot == null) {
      return Outcome.NOT_HELD;
    }
    int i = slot / capacity;
    long bit = 1L << (slot % capacity);
    boolean isAcquired = (acquired[i] & bit) != 0;
    if (isAcquired != release) {
      return release ? Outcome.NOT_ACQUIRED : Outcome.NOT_RESERVED;
    }
    keys.remove(key);
    busy[i] &= ~bit;
    acquired[i] &= ~bit;
    held[i]--;
    if (release) {
      uses[i]++;
    } else if (maxUse > 0) {
      claims[i]--;
    }
    relevel(i);
    return Outcome.FREED;
  }

  void add(String id) {
    if (indexById.containsKey(id) || count == ids.length) {
      throw new IllegalStateException("cannot add " + id);
    }
    int i = count++;
    ids[i] = id;
    handles[i] = new Slot[capacity];
    for (int b = 0; b < capacity; b++) {
      handles[i][b] = new Slot(id, b);
    }
    indexById.put(id, i);
    relevel(i);
  }

  List<Slot> adopt(String id, int savedClaims, long completedUses, List<Holding> holdings) {
    add(id);
    int i = count - 1; // add() appended it
    List<Slot> out = new ArrayList<>();
    for (Holding h : holdings) {
      if (h.index() >= capacity
          || (busy[i] & (1L << h.index())) != 0
          || keys.containsKey(h.key())) {
        throw new IllegalArgumentException("cannot adopt " + h + " on " + id);
      }
      busy[i] |= 1L << h.index();
      if (h.acquired()) {
        acquired[i] |= 1L << h.index();
      }
      held[i]++;
      keys.put(h.key(), i * capacity + h.index());
      out.add(handles[i][h.index()]);
    }
    if (maxUse > 0) {
      claims[i] = Math.min(maxUse, Math.max(savedClaims, holdings.size()));
    }
    uses[i] = completedUses;
    relevel(i);
    return out;
  }

  List<Holding> holdings(String id) {
    Integer i = indexById.get(id);
    List<Holding> out = new ArrayList<>();
    if (i == null) {
      return out;
    }
    for (Map.Entry<String, Integer> e : keys.entrySet()) {
      if (e.getValue() / capacity == i) {
        int bit = e.getValue() % capacity;
        out.add(new Holding(e.getKey(), bit, (acquired[i] & (1L << bit)) != 0));
      }
    }
    return out;
  }

  boolean setState(String id, int to, int from) {
    Integer i = indexById.get(id);
    if (i == null || (from >= 0 && state[i] != from)) {
      return false;
    }
    state[i] = to;
    relevel(i);
    return true;
  }

  boolean drain(String id) {
    return setState(id, DRAINING, -1);
  }

  boolean markUnhealthy(String id) {
    return setState(id, UNHEALTHY, READY);
  }

  boolean markHealthy(String id) {
    return setState(id, READY, UNHEALTHY);
  }

  List<String> remove(String id) {
    Integer i = indexById.get(id);
    List<String> told = new ArrayList<>();
    if (i == null) {
      return told;
    }
    // Baselines are only benchmarked on the request path: removal just stops new work.
    setState(id, DRAINING, -1);
    keys.entrySet()
        .removeIf(
            e -> {
              if (e.getValue() / capacity == i) {
                told.add(e.getKey());
                return true;
              }
              return false;
            });
    return told;
  }

  SlotCounts counts() {
    long idle = 0;
    long reserved = 0;
    long acq = 0;
    long unavailable = 0;
    long unhealthy = 0;
    for (int i = 0; i < count; i++) {
      int free = capacity - held[i];
      acq += Long.bitCount(acquired[i]);
      reserved += held[i] - Long.bitCount(acquired[i]);
      if (state[i] == UNHEALTHY) {
        unhealthy += free;
      } else {
        idle += claimable(i);
        unavailable += free - claimable(i);
      }
    }
    return new SlotCounts(count, idle, reserved, acq, unavailable, unhealthy);
  }

  List<InstanceView> instances() {
    List<InstanceView> views = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      InstanceView.State s =
          switch (state[i]) {
            case READY -> InstanceView.State.READY;
            case DRAINING -> InstanceView.State.DRAINING;
            default -> InstanceView.State.UNHEALTHY;
          };
      views.add(
          new InstanceView(
              ids[i], s, held[i], claims[i], uses[i], 0L, maxUse > 0 && claims[i] >= maxUse));
    }
    return views;
  }
}
