package io.fleetscaler.core.planner;

import java.util.Objects;

/**
 * One instance the plan deletes, and why.
 *
 * @param instanceId the cloud's id
 * @param reason why
 */
public record Deletion(String instanceId, DeletionReason reason) {
  public Deletion {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(reason, "reason");
  }
}
