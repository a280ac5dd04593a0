package io.fleetscaler.plugin.api;

import java.util.Objects;

/**
 * One instance in an {@link InstanceGroup#update} report.
 *
 * @param id the cloud's identifier, stable for the instance's lifetime and never reused
 * @param state the state the cloud reports now
 */
public record InstanceStatus(String id, InstanceState state) {
  public InstanceStatus {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("instance id is empty");
    }
  }
}
