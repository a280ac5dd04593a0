package io.fleetscaler.benchmarks.slots;

import io.fleetscaler.core.slots.Claim;
import io.fleetscaler.core.slots.Holding;
import io.fleetscaler.core.slots.InstanceView;
import io.fleetscaler.core.slots.Outcome;
import io.fleetscaler.core.slots.Slot;
import io.fleetscaler.core.slots.SlotAllocator;
import io.fleetscaler.core.slots.SlotCounts;
import io.fleetscaler.core.slots.SlotLimits;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** Baseline: {@link SequentialSlots} with O(1) placement behind one {@link ReentrantLock}. */
final class LockedSlotAllocator implements SlotAllocator {

  private final ReentrantLock lock = new ReentrantLock();
  private final SequentialSlots slots;

  LockedSlotAllocator(SlotLimits limits) {
    this.slots = new SequentialSlots(limits, false);
  }

  private <T> T locked(Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public SlotLimits limits() {
    return slots.limits();
  }

  @Override
  public Claim reserve(String key) {
    lock.lock();
    try {
      return slots.reserve(key);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Outcome unreserve(String key) {
    lock.lock();
    try {
      return slots.free(key, false);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Claim acquire(String key) {
    lock.lock();
    try {
      return slots.acquire(key);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Outcome release(String key) {
    lock.lock();
    try {
      return slots.free(key, true);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void add(String instanceId) {
    Object unused =
        locked(
            () -> {
              slots.add(instanceId);
              return instanceId;
            });
  }

  @Override
  public List<Slot> adopt(String instanceId, int claims, long completedUses, List<Holding> held) {
    return locked(() -> slots.adopt(instanceId, claims, completedUses, held));
  }

  @Override
  public List<Holding> holdings(String instanceId) {
    return locked(() -> slots.holdings(instanceId));
  }

  @Override
  public boolean drain(String instanceId) {
    return locked(() -> slots.drain(instanceId));
  }

  @Override
  public boolean markUnhealthy(String instanceId) {
    return locked(() -> slots.markUnhealthy(instanceId));
  }

  @Override
  public boolean markHealthy(String instanceId) {
    return locked(() -> slots.markHealthy(instanceId));
  }

  @Override
  public List<String> remove(String instanceId, String cause) {
    return locked(() -> slots.remove(instanceId));
  }

  @Override
  public SlotCounts counts() {
    return locked(slots::counts);
  }

  @Override
  public List<InstanceView> instances() {
    return locked(slots::instances);
  }
}
