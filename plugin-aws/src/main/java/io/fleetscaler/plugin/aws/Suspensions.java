package io.fleetscaler.plugin.aws;

import io.fleetscaler.plugin.api.ProviderException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingInstanceDetails;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/**
 * Suspends and resumes named instances of one group on Auto Scaling's standby.
 *
 * <p><b>Suspend</b>: {@code EnterStandby} with {@code ShouldDecrementDesiredCapacity=true}, so the
 * group neither counts the instance in its desired capacity nor launches a replacement, nor
 * health-checks it while it is stopped; then EC2 {@code StopInstances}, with {@code Hibernate=true}
 * in {@link AwsConfig.SuspendMode#HIBERNATE}. An instance that was not launched with hibernation
 * configured is refused before anything changes (AWS would refuse the stop, leaving the instance in
 * standby and running).
 *
 * <p><b>Resume</b>: EC2 {@code StartInstances}, then a wait (at most {@link
 * AwsTuning#resumeWait()}, polling {@code DescribeInstances}) until the instance is {@code
 * running}, then {@code ExitStandby}, which raises the desired capacity by one again. An instance
 * that is not running within the wait stays in standby and is not accepted: the call fails
 * retryably and the scaler resumes it again later. It is never put back in service stopped, where
 * Auto Scaling's health check would replace it.
 *
 * <p>Both are idempotent: each step looks at where the instance is first (one {@code
 * DescribeAutoScalingInstances} and one {@code DescribeInstances} per call) and skips what is done
 * already, so a call cut short half-way (a lost answer, a deadline) is finished by the next one.
 *
 * <p>Not thread-safe, except {@link #resuming}; the scaler calls suspend and resume from one
 * thread.
 */
final class Suspensions {
  /** AWS takes at most 20 instance ids per EnterStandby or ExitStandby call. */
  private static final int STANDBY_BATCH = 20;

  /** AWS takes at most 50 instance ids per DescribeAutoScalingInstances call. */
  private static final int DESCRIBE_BATCH = 50;

  private final AutoScalingClient autoScaling;
  private final Ec2Client ec2;
  private final String group;
  private final AwsConfig.SuspendMode mode;
  private final AwsTuning tuning;
  private final Logger log;
  private final Set<String> resuming = ConcurrentHashMap.newKeySet();

  /**
   * What one batch achieved.
   *
   * @param accepted the ids now suspended (or stopping) or resumed, in the order asked
   * @param desiredChange by how much this batch certainly changed the desired capacity
   * @param uncertain whether a standby call's effect on the desired capacity is unknown
   * @param failure the first failure, or null
   */
  record Outcome(
      List<String> accepted,
      int desiredChange,
      boolean uncertain,
      @Nullable ProviderException failure) {}

  Suspensions(
      AutoScalingClient autoScaling,
      Ec2Client ec2,
      String group,
      AwsConfig.SuspendMode mode,
      AwsTuning tuning,
      Logger log) {
    this.autoScaling = autoScaling;
    this.ec2 = ec2;
    this.group = group;
    this.mode = mode;
    this.tuning = tuning;
    this.log = log;
  }

  /** Whether a resume of {@code id} is under way or was cut short; read by update. */
  boolean resuming(String id) {
    return resuming.contains(id);
  }

  Outcome suspend(List<String> ids) {
    Batch b = new Batch();
    Map<String, AutoScalingInstanceDetails> members = members(ids);
    Map<String, Instance> instances = instances(ids);
    Set<String> candidates = new LinkedHashSet<>();
    List<String> toStandby = new ArrayList<>();
    List<String> toStop = new ArrayList<>();
    for (String id : ids) {
      @Nullable String lifecycle = member(members, id, b);
      if (lifecycle == null) {
        continue;
      }
      @Nullable Instance instance = instances.get(id);
      if (mode == AwsConfig.SuspendMode.HIBERNATE && !hibernationConfigured(instance)) {
        b.fail(
            new ProviderException.InvalidConfig(
                "aws suspend: instance "
                    + id
                    + " was not launched with hibernation configured (HibernationOptions"
                    + " Configured=false), so it cannot hibernate; enable hibernation in the"
                    + " launch template (an encrypted root volume large enough for the memory),"
                    + " or set suspend_mode to \"stop\""));
        continue;
      }
      if (lifecycle.equals("InService")) {
        toStandby.add(id);
      } else if (!LifecycleStates.standby(lifecycle)) {
        b.fail(notNow(id, lifecycle, "suspend"));
        continue;
      }
      InstanceStateName state = stateOf(instance);
      if (state != InstanceStateName.STOPPED && state != InstanceStateName.STOPPING) {
        toStop.add(id);
      }
      candidates.add(id);
    }
    enterStandby(toStandby, candidates, toStop, b);
    if (!toStop.isEmpty()) {
      try {
        boolean hibernate = mode == AwsConfig.SuspendMode.HIBERNATE;
        ec2.stopInstances(r -> r.instanceIds(toStop).hibernate(hibernate));
      } catch (SdkException | UncheckedIOException e) {
        // In standby and still running: update reports them suspending, and suspend finishes them.
        b.fail(AwsErrors.map("StopInstances", e));
        candidates.removeAll(toStop);
      }
    }
    resuming.removeAll(candidates);
    return b.outcome(candidates);
  }

  Outcome resume(List<String> ids) {
    Batch b = new Batch();
    Map<String, AutoScalingInstanceDetails> members = members(ids);
    Map<String, Instance> instances = instances(ids);
    Set<String> candidates = new LinkedHashSet<>();
    Set<String> inService = new LinkedHashSet<>();
    List<String> toStart = new ArrayList<>();
    for (String id : ids) {
      @Nullable String lifecycle = member(members, id, b);
      if (lifecycle == null) {
        continue;
      }
      if (lifecycle.equals("InService")) {
        inService.add(id); // resumed already, by an earlier call whose answer was lost
      } else if (!lifecycle.equals("Standby")) {
        b.fail(notNow(id, lifecycle, "resume"));
        continue;
      }
      InstanceStateName state = stateOf(instances.get(id));
      if (state == InstanceStateName.STOPPING) {
        b.fail(
            new ProviderException.Unavailable(
                "aws resume: instance " + id + " is still stopping; resume it once it is stopped"));
        continue;
      }
      if (state == InstanceStateName.STOPPED) {
        toStart.add(id);
      }
      candidates.add(id);
    }
    resuming.addAll(candidates);
    if (!toStart.isEmpty()) {
      try {
        ec2.startInstances(r -> r.instanceIds(toStart));
      } catch (SdkException | UncheckedIOException e) {
        // InsufficientInstanceCapacity is Capacity: AWS has no room to start this type now.
        b.fail(AwsErrors.map("StartInstances", e));
        candidates.removeAll(toStart);
        resuming.removeAll(toStart);
      }
    }
    Set<String> running = awaitRunning(candidates, inService, b);
    List<String> toExit = running.stream().filter(id -> !inService.contains(id)).toList();
    for (List<String> chunk : chunks(toExit, STANDBY_BATCH)) {
      try {
        autoScaling.exitStandby(r -> r.autoScalingGroupName(group).instanceIds(chunk));
        b.desiredChange += chunk.size();
      } catch (SdkException | UncheckedIOException e) {
        b.uncertain |= !AwsErrors.certainlyNotApplied(e);
        b.fail(AwsErrors.map("ExitStandby", e));
        running.removeAll(chunk);
      }
    }
    resuming.removeAll(running);
    return b.outcome(running);
  }

  /**
   * Moves the in-service {@code toStandby} to standby in batches, lowering the desired capacity by
   * each batch the group accepted; a refused batch is no longer a candidate nor to be stopped.
   */
  private void enterStandby(
      List<String> toStandby, Set<String> candidates, List<String> toStop, Batch b) {
    for (List<String> chunk : chunks(toStandby, STANDBY_BATCH)) {
      try {
        autoScaling.enterStandby(
            r ->
                r.autoScalingGroupName(group)
                    .instanceIds(chunk)
                    .shouldDecrementDesiredCapacity(true));
        b.desiredChange -= chunk.size();
      } catch (SdkException | UncheckedIOException e) {
        b.uncertain |= !AwsErrors.certainlyNotApplied(e);
        b.fail(AwsErrors.map("EnterStandby", e));
        candidates.removeAll(chunk);
        toStop.removeAll(chunk);
      }
    }
  }

  /**
   * Polls EC2 until every candidate is running, at most {@link AwsTuning#resumePolls()} times; the
   * ones that are not by then are failed retryably and left in standby.
   */
  private Set<String> awaitRunning(Set<String> candidates, Set<String> inService, Batch b) {
    Set<String> waiting = new LinkedHashSet<>(candidates);
    Set<String> running = new LinkedHashSet<>();
    for (int poll = 0; !waiting.isEmpty(); poll++) {
      Map<String, Instance> now = instances(List.copyOf(waiting));
      for (String id : List.copyOf(waiting)) {
        InstanceStateName state = stateOf(now.get(id));
        if (state == InstanceStateName.RUNNING) {
          running.add(id);
          waiting.remove(id);
        } else if (state != InstanceStateName.PENDING && !inService.contains(id)) {
          b.fail(
              new ProviderException.Unavailable(
                  "aws resume: instance " + id + " is " + state + " after StartInstances"));
          waiting.remove(id);
        }
      }
      if (waiting.isEmpty()) {
        break;
      }
      if (poll + 1 >= tuning.resumePolls()) {
        b.fail(
            new ProviderException.Unavailable(
                "aws resume: "
                    + waiting
                    + " not running within "
                    + tuning.resumeWait()
                    + " of StartInstances; left in standby, resume again"));
        break;
      }
      try {
        tuning.sleeper().sleep(tuning.resumePoll());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        b.fail(new ProviderException.Unavailable("interrupted while waiting for " + waiting, e));
        break;
      }
    }
    // Keep the order asked.
    Set<String> ordered = new LinkedHashSet<>();
    for (String id : candidates) {
      if (running.contains(id)) {
        ordered.add(id);
      }
    }
    return ordered;
  }

  /**
   * The lifecycle state of {@code id} in this group, or null (after recording a NotFound) if it is
   * not a member, or is leaving.
   */
  private @Nullable String member(
      Map<String, AutoScalingInstanceDetails> members, String id, Batch b) {
    @Nullable AutoScalingInstanceDetails m = members.get(id);
    if (m == null || !group.equals(m.autoScalingGroupName())) {
      b.fail(
          new ProviderException.NotFound(
              "instance " + id + " is not in Auto Scaling group " + group));
      return null;
    }
    if (LifecycleStates.leaving(m.lifecycleState())) {
      b.fail(new ProviderException.NotFound("instance " + id + " is " + m.lifecycleState()));
      return null;
    }
    return m.lifecycleState();
  }

  private static ProviderException notNow(String id, String lifecycle, String what) {
    return new ProviderException.Unavailable(
        "aws " + what + ": instance " + id + " is " + lifecycle + "; " + what + " it again later");
  }

  private static boolean hibernationConfigured(@Nullable Instance instance) {
    return instance != null
        && instance.hibernationOptions() != null
        && Boolean.TRUE.equals(instance.hibernationOptions().configured());
  }

  private static @Nullable InstanceStateName stateOf(@Nullable Instance instance) {
    return instance == null || instance.state() == null ? null : instance.state().name();
  }

  private Map<String, AutoScalingInstanceDetails> members(List<String> ids) {
    Map<String, AutoScalingInstanceDetails> out = new HashMap<>();
    for (List<String> chunk : chunks(ids, DESCRIBE_BATCH)) {
      try {
        for (AutoScalingInstanceDetails d :
            autoScaling
                .describeAutoScalingInstances(r -> r.instanceIds(chunk))
                .autoScalingInstances()) {
          out.put(d.instanceId(), d);
        }
      } catch (SdkException | UncheckedIOException e) {
        throw AwsErrors.map("DescribeAutoScalingInstances", e);
      }
    }
    return out;
  }

  /** The EC2 instances among {@code ids}; ids EC2 does not know are absent. */
  Map<String, Instance> instances(List<String> ids) {
    return Ec2Instances.describe(ec2, ids);
  }

  private static List<List<String>> chunks(List<String> ids, int size) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < ids.size(); i += size) {
      out.add(List.copyOf(ids.subList(i, Math.min(ids.size(), i + size))));
    }
    return out;
  }

  /** The mutable state of one call. */
  private final class Batch {
    int desiredChange;
    boolean uncertain;
    @Nullable ProviderException failure;

    void fail(ProviderException e) {
      log.log(Level.WARNING, "aws: {0}", e.getMessage());
      if (failure == null) {
        failure = e;
      }
    }

    Outcome outcome(Set<String> accepted) {
      return new Outcome(List.copyOf(accepted), desiredChange, uncertain, failure);
    }
  }
}
