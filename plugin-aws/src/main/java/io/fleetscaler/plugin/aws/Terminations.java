package io.fleetscaler.plugin.aws;

import io.fleetscaler.plugin.api.ProviderException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingInstanceDetails;

/**
 * Terminates named instances of one group with {@code TerminateInstanceInAutoScalingGroup} and
 * {@code ShouldDecrementDesiredCapacity=true}, so that exactly those instances die and Auto Scaling
 * launches no replacement. Never lowers the desired capacity instead, which would let AWS pick the
 * victims.
 *
 * <p><b>Never twice.</b> Each termination also lowers the desired capacity by one, so sending it
 * again after an answer was lost could shrink the group by one too many. The client used here
 * therefore does not retry on its own. After a failure, unless AWS said it throttled the request
 * (and so did nothing), this class asks Auto Scaling where the instance is: an instance that is
 * terminating, terminated or no longer in the group is done; only one still in service is tried
 * again, after a backoff, at most {@link AwsTuning#maxAttempts()} times in all.
 *
 * <p><b>Standby.</b> An instance in standby (suspended) left the desired capacity when it entered,
 * so it is terminated with {@code ShouldDecrementDesiredCapacity=false}: decrementing would lower
 * the capacity below the instances in service, and Auto Scaling would then try to scale one of
 * those in.
 *
 * <p>Not thread-safe; the scaler calls decrease from one thread.
 */
final class Terminations {
  private final AutoScalingClient terminator;
  private final AutoScalingClient autoScaling;
  private final String group;
  private final AwsTuning tuning;
  private final Logger log;

  /**
   * What one batch achieved.
   *
   * @param accepted the ids that are terminating or gone, in the order asked
   * @param decremented how many terminations this batch certainly applied (each lowered the desired
   *     capacity by one)
   * @param uncertain whether some termination's effect on the desired capacity is unknown
   * @param failure the first failure, or null
   */
  record Outcome(
      List<String> accepted,
      int decremented,
      boolean uncertain,
      @Nullable ProviderException failure) {}

  Terminations(
      AutoScalingClient terminator,
      AutoScalingClient autoScaling,
      String group,
      AwsTuning tuning,
      Logger log) {
    this.terminator = terminator;
    this.autoScaling = autoScaling;
    this.group = group;
    this.tuning = tuning;
    this.log = log;
  }

  /**
   * Terminates each of {@code ids} in turn. A failure that only the operator can fix is recorded
   * and the next id is tried; a retryable one (throttling, AWS unreachable) stops the batch, since
   * the next id would most likely meet it too.
   */
  Outcome terminate(List<String> ids, Set<String> standby) {
    List<String> accepted = new ArrayList<>();
    int decremented = 0;
    boolean uncertain = false;
    @Nullable ProviderException failure = null;
    for (String id : ids) {
      try {
        boolean decrement = !standby.contains(id);
        switch (terminateOne(id, decrement)) {
          case APPLIED -> decremented += decrement ? 1 : 0;
          case ALREADY_LEAVING -> {}
          case UNKNOWN_BUT_LEAVING -> uncertain = true;
        }
        accepted.add(id);
      } catch (ProviderException e) {
        log.log(
            Level.WARNING, "aws: could not terminate {0} in {1}: {2}", id, group, e.getMessage());
        if (failure == null) {
          failure = e;
        }
        if (e.retryable()) {
          break;
        }
      }
    }
    return new Outcome(List.copyOf(accepted), decremented, uncertain, failure);
  }

  private enum Result {
    /** AWS answered success: this call terminated it and lowered the desired capacity. */
    APPLIED,
    /** The instance was already terminating or gone before this batch touched it. */
    ALREADY_LEAVING,
    /** A call's answer was lost, and the instance is now leaving: probably by that call. */
    UNKNOWN_BUT_LEAVING
  }

  private Result terminateOne(String id, boolean decrement) {
    boolean sentWithUnknownOutcome = false;
    for (int attempt = 1; ; attempt++) {
      try {
        terminator.terminateInstanceInAutoScalingGroup(
            r -> r.instanceId(id).shouldDecrementDesiredCapacity(decrement));
        return Result.APPLIED;
      } catch (SdkException | UncheckedIOException e) {
        boolean throttled = AwsErrors.isThrottling(e);
        if (!throttled) {
          // Look before trying again: the instance may be leaving already, by this call's lost
          // answer, by an earlier decrease, or because it never was (moto answers 500 then).
          if (leavingOrGone(id)) {
            return sentWithUnknownOutcome || !AwsErrors.certainlyNotApplied(e)
                ? Result.UNKNOWN_BUT_LEAVING
                : Result.ALREADY_LEAVING;
          }
          sentWithUnknownOutcome |= !AwsErrors.certainlyNotApplied(e);
        }
        ProviderException mapped = AwsErrors.map("TerminateInstanceInAutoScalingGroup", e);
        if (!mapped.retryable() || attempt >= tuning.maxAttempts()) {
          throw mapped;
        }
        backoff(attempt, throttled);
      }
    }
  }

  /** Whether {@code id} is terminating, terminated, or not in this group (any more). */
  private boolean leavingOrGone(String id) {
    Optional<AutoScalingInstanceDetails> found;
    try {
      found =
          autoScaling
              .describeAutoScalingInstances(r -> r.instanceIds(id))
              .autoScalingInstances()
              .stream()
              .filter(i -> id.equals(i.instanceId()))
              .findFirst();
    } catch (SdkException | UncheckedIOException e) {
      throw AwsErrors.map("DescribeAutoScalingInstances", e);
    }
    return found.isEmpty()
        || !group.equals(found.get().autoScalingGroupName())
        || LifecycleStates.leaving(found.get().lifecycleState());
  }

  private void backoff(int attempt, boolean throttled) {
    Duration base = throttled ? tuning.throttlingBackoffBase() : tuning.backoffBase();
    Duration delay = base.multipliedBy(1L << Math.min(attempt - 1, 16));
    if (delay.compareTo(tuning.maxBackoff()) > 0) {
      delay = tuning.maxBackoff();
    }
    try {
      tuning.sleeper().sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException.Unavailable("interrupted while backing off a termination", e);
    }
  }
}
