package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The standby pool's moves through the cloud: suspending an instance into the pool, resuming
 * members out of it, serving a resumed member, and deleting a member. It owns the plugin's {@code
 * suspend} and {@code resume} calls (through {@link PluginCalls}, with their metrics) and the phase
 * changes on the provisioner's table that go with them; the membership it changes is {@link
 * StandbyMembers}'.
 *
 * <p>Not thread-safe: every method runs under the scaler's control lock, on the provisioner's side
 * (the only side that calls the plugin).
 */
final class StandbyTransitions {
  private static final System.Logger LOG = System.getLogger(TaskScaler.class.getName());

  private final InstanceGroup group;
  private final PluginCalls calls;
  private final ScalerMetrics metrics;
  private final StandbyMetrics standbyMetrics;
  private final Provisioner provisioner;
  private final StandbyMembers members;

  StandbyTransitions(
      InstanceGroup group,
      PluginCalls calls,
      ScalerMetrics metrics,
      StandbyMetrics standbyMetrics,
      Provisioner provisioner,
      StandbyMembers members) {
    this.group = group;
    this.calls = calls;
    this.metrics = metrics;
    this.standbyMetrics = standbyMetrics;
    this.provisioner = provisioner;
    this.members = members;
  }

  /** Asks the cloud to suspend {@code t}; on success it is a member. */
  boolean suspend(Provisioner.Tracked t, Instant now) {
    List<String> accepted;
    try {
      accepted = calls.call("suspend", () -> group.suspend(List.of(t.id)));
      metrics.operation("suspend");
    } catch (RuntimeException e) {
      metrics.providerError(asProviderError(e));
      return false;
    }
    if (!accepted.contains(t.id)) {
      return false;
    }
    t.phase = InstancePhase.SUSPENDED;
    members.join(t.id, now);
    standbyMetrics.suspended();
    return true;
  }

  /** A member the cloud reports running after its resume: it serves from now on. */
  void serveResumed(Provisioner.Tracked t, StandbyMembers.Member m, Instant now) {
    members.served(t.id);
    standbyMetrics.readyTime("resume", Duration.between(m.resumeAskedAt, now));
    t.phase = InstancePhase.RUNNING;
    t.readinessStarted = true;
    provisioner.makeReady(t, now);
  }

  /** Resumes up to {@code n} suspended members, oldest first; returns how many it asked for. */
  int resume(int n, Actuator actuator, Instant now) {
    List<String> ids = members.resumable(n);
    if (ids.isEmpty()) {
      return 0;
    }
    List<String> accepted;
    try {
      accepted = calls.call("resume", () -> group.resume(ids));
      metrics.operation("resume");
    } catch (RuntimeException e) {
      metrics.providerError(asProviderError(e));
      accepted = List.of();
    }
    int asked = 0;
    for (String id : ids) {
      StandbyMembers.Member m = members.get(id);
      Provisioner.Tracked t = provisioner.tracked(id);
      if (m == null || t == null) {
        continue;
      }
      if (accepted.contains(id)) {
        m.resuming = true;
        m.resumeAskedAt = now;
        t.phase = InstancePhase.RESUMING;
        standbyMetrics.resumed();
        asked++;
      } else {
        drop(t, DeletionReason.RESUME_FAILED, actuator, now);
      }
    }
    return asked;
  }

  /** Takes {@code t} out of the pool and deletes it for {@code reason}. */
  void drop(Provisioner.Tracked t, DeletionReason reason, Actuator actuator, Instant now) {
    members.remove(t.id);
    t.deletionReason = reason;
    if (reason == DeletionReason.RESUME_FAILED) {
      LOG.log(
          System.Logger.Level.WARNING,
          "standby instance {0} did not resume; deleting it (reason {1})",
          t.id,
          reason.label());
    }
    actuator.delete(t, reason, now);
  }

  private static ProviderException asProviderError(RuntimeException e) {
    return e instanceof ProviderException p
        ? p
        : new ProviderException.Unavailable(String.valueOf(e), e);
  }
}
