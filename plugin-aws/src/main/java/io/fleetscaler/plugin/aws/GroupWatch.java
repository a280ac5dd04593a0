package io.fleetscaler.plugin.aws;

import io.fleetscaler.plugin.api.ProviderException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;

/**
 * The Auto Scaling group as {@link AwsInstanceGroup} reads it and what it expects of it: describes
 * the one group of the configured name; warns and counts, at init, when the group's setup lets AWS
 * terminate instances that run jobs; and keeps the desired capacity the plugin last set or saw, so
 * that a change by anything else (an operator, a scaling policy, the minimum size) is logged and
 * counted as drift.
 *
 * <p>Threading: the counters may be read from any thread. The expected capacity is only changed by
 * the group's single-threaded methods (init, update, increase, decrease, suspend, resume); it is
 * volatile because consecutive calls may come from different threads of the scaler.
 */
final class GroupWatch {

  private static final Logger LOG = System.getLogger("plugin.aws");

  private final AtomicLong scaleInProtectionWarnings = new AtomicLong();
  private final AtomicLong azRebalanceWarnings = new AtomicLong();
  private final AtomicLong desiredCapacityDrifts = new AtomicLong();

  // -1 when the desired capacity we expect is unknown (after a call whose answer was lost).
  private volatile int expectedDesired = -1;

  /**
   * The one group named {@code name}, reading every page.
   *
   * @throws ProviderException.InvalidConfig if there is none, or more than one
   */
  static AutoScalingGroup describe(AwsClients clients, String name) {
    List<AutoScalingGroup> groups;
    try {
      groups =
          clients
              .autoScaling()
              .describeAutoScalingGroupsPaginator(r -> r.autoScalingGroupNames(name))
              .autoScalingGroups()
              .stream()
              .filter(g -> name.equals(g.autoScalingGroupName()))
              .toList();
    } catch (SdkException | UncheckedIOException e) {
      throw AwsErrors.map("DescribeAutoScalingGroups", e);
    }
    if (groups.size() != 1) {
      throw new ProviderException.InvalidConfig(
          "name: expected exactly one Auto Scaling group named '"
              + name
              + "' in "
              + clients.region().id()
              + ", found "
              + groups.size());
    }
    return groups.get(0);
  }

  /**
   * Warns, and counts, when {@code group} lets AWS terminate instances that run jobs: new instances
   * not protected from scale-in, {@code AZRebalance} not suspended.
   */
  void checkSetup(AutoScalingGroup group) {
    if (!Boolean.TRUE.equals(group.newInstancesProtectedFromScaleIn())) {
      scaleInProtectionWarnings.incrementAndGet();
      LOG.log(
          Level.WARNING,
          "aws: group {0} does not protect new instances from scale-in: AWS may terminate"
              + " instances that run jobs when the desired capacity drops; enable"
              + " NewInstancesProtectedFromScaleIn",
          group.autoScalingGroupName());
    }
    boolean rebalanceSuspended =
        group.suspendedProcesses().stream().anyMatch(p -> "AZRebalance".equals(p.processName()));
    if (!rebalanceSuspended) {
      azRebalanceWarnings.incrementAndGet();
      LOG.log(
          Level.WARNING,
          "aws: group {0} does not suspend AZRebalance: AWS may terminate running instances to"
              + " balance availability zones; suspend the AZRebalance process",
          group.autoScalingGroupName());
    }
  }

  /**
   * Logs and counts a drift when {@code desired} is not what this plugin expects (and it expects a
   * value); then expects {@code desired}.
   */
  void noteDrift(String name, int desired) {
    int expected = expectedDesired;
    if (expected >= 0 && desired != expected) {
      desiredCapacityDrifts.incrementAndGet();
      LOG.log(
          Level.WARNING,
          "aws: desired capacity of {0} is {1}, but Fleetscaler last set {2}: something else"
              + " changes it (an operator, a scaling policy, the minimum size)",
          name,
          desired,
          expected);
    }
    expectedDesired = desired;
  }

  /** Expects {@code desired}: this plugin just set it, or read it at init. */
  void expect(int desired) {
    expectedDesired = desired;
  }

  /** Stops expecting a value: whether the last change applied is unknown. */
  void forget() {
    expectedDesired = -1;
  }

  /**
   * Expects {@code change} more (or less) than before; forgets the value instead when the outcome
   * is {@code uncertain} or no value was expected.
   */
  void adjust(boolean uncertain, int change) {
    if (uncertain || expectedDesired < 0) {
      expectedDesired = -1;
    } else {
      expectedDesired = Math.max(0, expectedDesired + change);
    }
  }

  long scaleInProtectionWarnings() {
    return scaleInProtectionWarnings.get();
  }

  long azRebalanceWarnings() {
    return azRebalanceWarnings.get();
  }

  long desiredCapacityDrifts() {
    return desiredCapacityDrifts.get();
  }
}
