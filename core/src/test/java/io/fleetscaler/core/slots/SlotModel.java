package io.fleetscaler.core.slots;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The sequential specification of {@link SlotAllocator}: the obvious single-threaded
 * implementation, written for clarity, against which the real one is checked.
 */
final class SlotModel {

  enum State {
    READY,
    DRAINING,
    UNHEALTHY
  }

  static final class Instance {
    final String id;
    State state = State.READY;
    final @Nullable String[] holder;
    final boolean[] acquired;
    int claims;
    long uses;

    Instance(String id, int capacity) {
      this.id = id;
      this.holder = new String[capacity];
      this.acquired = new boolean[capacity];
    }

    int held() {
      int n = 0;
      for (String h : holder) {
        if (h != null) {
          n++;
        }
      }
      return n;
    }
  }

  // A class, not a record: Lincheck reads the model's state through Unsafe, which refuses record
  // fields.
  static final class Binding {
    private final Instance instance;
    private final int slot;

    Binding(Instance instance, int slot) {
      this.instance = instance;
      this.slot = slot;
    }

    Instance instance() {
      return instance;
    }

    int slot() {
      return slot;
    }
  }

  final int capacity;
  final int maxUse;
  final Map<String, Instance> instances = new LinkedHashMap<>();
  final Map<String, Binding> keys = new HashMap<>();

  SlotModel(int capacity, int maxUse) {
    this.capacity = capacity;
    this.maxUse = maxUse;
  }

  int claimable(Instance in) {
    if (in.state != State.READY) {
      return 0;
    }
    int free = capacity - in.held();
    return maxUse == 0 ? free : Math.min(free, maxUse - in.claims);
  }

  /**
   * The instance the last placed claim landed on (the model is used from one thread, so this is the
   * calling thread's sticky instance); null before any.
   */
  @Nullable Instance lastPlaced;

  /**
   * The instances a claim may land on: the calling thread's last instance if it is still live,
   * ready and has room (sticky placement); otherwise the ready ones with room and fewest claimable
   * slots.
   */
  List<String> candidates() {
    Instance last = lastPlaced;
    if (last != null && instances.get(last.id) == last && claimable(last) > 0) {
      return List.of(last.id);
    }
    return fullestCandidates();
  }

  /** The ready instances with room and the fewest claimable slots. */
  List<String> fullestCandidates() {
    int best = Integer.MAX_VALUE;
    List<String> ids = new ArrayList<>();
    for (Instance in : instances.values()) {
      int c = claimable(in);
      if (c > 0 && c < best) {
        best = c;
        ids.clear();
      }
      if (c > 0 && c == best) {
        ids.add(in.id);
      }
    }
    return ids;
  }

  void add(String id) {
    instances.put(id, new Instance(id, capacity));
  }

  /** Claims on {@code where} (or the first candidate when null); returns the slot or null. */
  @Nullable Slot claim(String key, boolean acquire, @Nullable String where) {
    List<String> candidates = candidates();
    if (candidates.isEmpty()) {
      return null;
    }
    String id = where == null ? candidates.get(0) : where;
    if (!candidates.contains(id)) {
      throw new AssertionError(
          "claim landed on "
              + id
              + ", not the sticky instance or one of the fullest "
              + candidates);
    }
    Instance in = Objects.requireNonNull(instances.get(id));
    lastPlaced = in;
    int slot = 0;
    while (in.holder[slot] != null) {
      slot++;
    }
    in.holder[slot] = key;
    in.acquired[slot] = acquire;
    if (maxUse > 0) {
      in.claims++;
    }
    keys.put(key, new Binding(in, slot));
    return new Slot(id, slot);
  }

  Claim reserve(String key, @Nullable String where) {
    if (keys.containsKey(key)) {
      return Refusal.ALREADY_HELD;
    }
    Slot slot = claim(key, false, where);
    return slot == null ? Refusal.NO_CAPACITY : slot;
  }

  Claim acquire(String key, @Nullable String where) {
    Binding b = keys.get(key);
    if (b != null) {
      if (b.instance().acquired[b.slot()]) {
        return Refusal.ALREADY_ACQUIRED;
      }
      b.instance().acquired[b.slot()] = true;
      return new Slot(b.instance().id, b.slot());
    }
    Slot slot = claim(key, true, where);
    return slot == null ? Refusal.NO_CAPACITY : slot;
  }

  Outcome release(String key) {
    Binding b = keys.get(key);
    if (b == null) {
      return Outcome.NOT_HELD;
    }
    if (!b.instance().acquired[b.slot()]) {
      return Outcome.NOT_ACQUIRED;
    }
    b.instance().holder[b.slot()] = null;
    b.instance().acquired[b.slot()] = false;
    b.instance().uses++;
    keys.remove(key);
    return Outcome.FREED;
  }

  Outcome unreserve(String key) {
    Binding b = keys.get(key);
    if (b == null) {
      return Outcome.NOT_HELD;
    }
    if (b.instance().acquired[b.slot()]) {
      return Outcome.NOT_RESERVED;
    }
    b.instance().holder[b.slot()] = null;
    if (maxUse > 0) {
      b.instance().claims--;
    }
    keys.remove(key);
    return Outcome.FREED;
  }

  boolean drain(String id) {
    Instance in = instances.get(id);
    if (in == null) {
      return false;
    }
    in.state = State.DRAINING;
    return true;
  }

  boolean markUnhealthy(String id) {
    Instance in = instances.get(id);
    if (in == null || in.state != State.READY) {
      return false;
    }
    in.state = State.UNHEALTHY;
    return true;
  }

  boolean markHealthy(String id) {
    Instance in = instances.get(id);
    if (in == null || in.state != State.UNHEALTHY) {
      return false;
    }
    in.state = State.READY;
    return true;
  }

  List<String> remove(String id) {
    Instance in = instances.remove(id);
    List<String> told = new ArrayList<>();
    if (in != null) {
      for (String h : in.holder) {
        if (h != null) {
          told.add(h);
          keys.remove(h);
        }
      }
    }
    return told;
  }

  SlotCounts counts() {
    long idle = 0;
    long reserved = 0;
    long acquired = 0;
    long unavailable = 0;
    long unhealthy = 0;
    for (Instance in : instances.values()) {
      int free = capacity - in.held();
      for (int s = 0; s < capacity; s++) {
        if (in.holder[s] != null) {
          if (in.acquired[s]) {
            acquired++;
          } else {
            reserved++;
          }
        }
      }
      if (in.state == State.UNHEALTHY) {
        unhealthy += free;
      } else {
        idle += claimable(in);
        unavailable += free - claimable(in);
      }
    }
    return new SlotCounts(instances.size(), idle, reserved, acquired, unavailable, unhealthy);
  }
}
