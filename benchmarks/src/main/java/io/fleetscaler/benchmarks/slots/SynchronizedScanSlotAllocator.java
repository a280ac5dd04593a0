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

/**
 * Baseline: {@link SequentialSlots} placing by a scan over every instance, under {@code
 * synchronized}: what taskscaler does under its mutex.
 */
final class SynchronizedScanSlotAllocator implements SlotAllocator {

  private final SequentialSlots slots;

  SynchronizedScanSlotAllocator(SlotLimits limits) {
    this.slots = new SequentialSlots(limits, true);
  }

  @Override
  public SlotLimits limits() {
    return slots.limits();
  }

  @Override
  public synchronized Claim reserve(String key) {
    return slots.reserve(key);
  }

  @Override
  public synchronized Outcome unreserve(String key) {
    return slots.free(key, false);
  }

  @Override
  public synchronized Claim acquire(String key) {
    return slots.acquire(key);
  }

  @Override
  public synchronized Outcome release(String key) {
    return slots.free(key, true);
  }

  @Override
  public synchronized void add(String instanceId) {
    slots.add(instanceId);
  }

  @Override
  public synchronized List<Slot> adopt(
      String instanceId, int claims, long completedUses, List<Holding> held) {
    return slots.adopt(instanceId, claims, completedUses, held);
  }

  @Override
  public synchronized List<Holding> holdings(String instanceId) {
    return slots.holdings(instanceId);
  }

  @Override
  public synchronized boolean drain(String instanceId) {
    return slots.drain(instanceId);
  }

  @Override
  public synchronized boolean markUnhealthy(String instanceId) {
    return slots.markUnhealthy(instanceId);
  }

  @Override
  public synchronized boolean markHealthy(String instanceId) {
    return slots.markHealthy(instanceId);
  }

  @Override
  public synchronized List<String> remove(String instanceId, String cause) {
    return slots.remove(instanceId);
  }

  @Override
  public synchronized SlotCounts counts() {
    return slots.counts();
  }

  @Override
  public synchronized List<InstanceView> instances() {
    return slots.instances();
  }
}
