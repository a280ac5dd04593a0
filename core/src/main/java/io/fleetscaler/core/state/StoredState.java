package io.fleetscaler.core.state;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything saved for one instance group.
 *
 * @param groupId the group's identity ({@code ProviderInfo.id}); a file for another group is never
 *     used
 * @param capacityPerInstance the capacity the slots were numbered under
 * @param instances every instance the scaler knew of, in no particular order
 * @param expectedCreations when each instance the cloud was asked for, and has not listed yet, was
 *     asked for (one entry per instance): a restart adopts what they bring instead of deleting it
 *     as preexisting; empty in states saved before this was kept
 */
public record StoredState(
    String groupId,
    int capacityPerInstance,
    List<StoredInstance> instances,
    List<Instant> expectedCreations) {
  public StoredState {
    Objects.requireNonNull(groupId, "groupId");
    if (capacityPerInstance < 1) {
      throw new IllegalArgumentException(
          "capacityPerInstance must be >= 1, got " + capacityPerInstance);
    }
    instances = List.copyOf(instances);
    expectedCreations = List.copyOf(expectedCreations);
  }

  /** A state with no creations expected. */
  public StoredState(String groupId, int capacityPerInstance, List<StoredInstance> instances) {
    this(groupId, capacityPerInstance, instances, List.of());
  }

  /** Holdings over all instances. */
  public int holdings() {
    return instances.stream().mapToInt(i -> i.holdings().size()).sum();
  }
}
