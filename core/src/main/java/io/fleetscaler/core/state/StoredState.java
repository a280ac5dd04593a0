package io.fleetscaler.core.state;

import java.util.List;
import java.util.Objects;

/**
 * Everything saved for one instance group.
 *
 * @param groupId the group's identity ({@code ProviderInfo.id}); a file for another group is never
 *     used
 * @param capacityPerInstance the capacity the slots were numbered under
 * @param instances every instance the scaler knew of, in no particular order
 */
public record StoredState(String groupId, int capacityPerInstance, List<StoredInstance> instances) {
  public StoredState {
    Objects.requireNonNull(groupId, "groupId");
    if (capacityPerInstance < 1) {
      throw new IllegalArgumentException(
          "capacityPerInstance must be >= 1, got " + capacityPerInstance);
    }
    instances = List.copyOf(instances);
  }

  /** Holdings over all instances. */
  public int holdings() {
    return instances.stream().mapToInt(i -> i.holdings().size()).sum();
  }
}
