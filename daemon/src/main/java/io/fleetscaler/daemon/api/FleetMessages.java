package io.fleetscaler.daemon.api;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.fleetscaler.core.planner.Deletion;
import io.fleetscaler.core.planner.InstanceInfo;
import io.fleetscaler.core.scaler.Decision;
import io.fleetscaler.core.scaler.ScalerSnapshot;
import io.fleetscaler.core.scaler.StandbyStatus;
import io.fleetscaler.daemon.ha.HaApi;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.proto.v1.ConnectInfo;
import io.fleetscaler.proto.v1.GroupElsewhere;
import io.fleetscaler.proto.v1.GroupStatus;
import io.fleetscaler.proto.v1.Instance;
import io.fleetscaler.proto.v1.Policy;
import io.fleetscaler.proto.v1.SlotCounts;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeMap;

/** Conversions from the engine's records to {@code fleetscaler.v1} messages. Pure functions. */
final class FleetMessages {
  private FleetMessages() {}

  static SlotCounts slotCounts(ScalerSnapshot s) {
    io.fleetscaler.core.slots.SlotCounts c = s.slots();
    return SlotCounts.newBuilder()
        .setInstances(c.instances())
        .setIdle(c.idle())
        .setReserved(c.reserved())
        .setAcquired(c.acquired())
        .setUnavailable(c.unavailable())
        .setUnhealthy(c.unhealthy())
        .setPending((long) s.pendingAcquisitions() + s.pendingReservations())
        .build();
  }

  /**
   * Where group {@code name}, not served by this node, is led: from the {@code NotLeader} detail of
   * {@code notHere}, the answer a call naming the group gets.
   */
  static GroupElsewhere elsewhere(String name, StatusRuntimeException notHere) {
    GroupElsewhere.Builder b = GroupElsewhere.newBuilder().setGroup(name);
    HaApi.notLeader(notHere)
        .ifPresent(
            d ->
                b.setShard(d.getShard())
                    .setLeaderNode(d.getLeaderNode())
                    .setLeaderApiAddress(d.getLeaderApiAddress()));
    return b.build();
  }

  static GroupStatus groupStatus(String name, ScalerSnapshot s) {
    return groupStatus(name, s, "");
  }

  /** As {@link #groupStatus(String, ScalerSnapshot)}, naming the group's {@code shard} (or ""). */
  static GroupStatus groupStatus(String name, ScalerSnapshot s, String shard) {
    GroupStatus.Builder b =
        GroupStatus.newBuilder()
            .setName(name)
            .setShard(shard)
            .setSlots(slotCounts(s))
            .setRequested(s.requested())
            // Sorted, so that equal fleets give equal messages and the watch sees no false changes.
            .putAllInstancesByState(new TreeMap<>(s.instancesByState()))
            .setPendingAcquisitions(s.pendingAcquisitions())
            .setPendingReservations(s.pendingReservations())
            .setActivePolicy(policy(s.activePolicy()));
    s.instances().stream()
        .sorted(java.util.Comparator.comparing(InstanceInfo::id))
        .forEach(i -> b.addInstances(instance(i)));
    for (Decision d : s.recentDecisions()) {
      b.addRecentDecisions(decision(d));
    }
    b.setStandby(standby(s.standby()));
    return b.build();
  }

  static io.fleetscaler.proto.v1.StandbyPool standby(StandbyStatus s) {
    io.fleetscaler.proto.v1.StandbyPool.Builder b =
        io.fleetscaler.proto.v1.StandbyPool.newBuilder()
            .setCount(s.count())
            .setResuming(s.resuming())
            .setTarget(s.target());
    Instant since = s.oldestSince();
    if (since != null) {
      b.setOldestSince(timestamp(since));
    }
    return b.build();
  }

  static Instance instance(InstanceInfo i) {
    Instance.Builder b =
        Instance.newBuilder()
            .setId(i.id())
            .setPhase(i.phase().name().toLowerCase(Locale.ROOT))
            .setHeld(i.held())
            .setClaims(i.claims())
            .setExhausted(i.exhausted());
    if (i.readyAt() != null) {
      b.setReadyAt(timestamp(i.readyAt()));
    }
    if (i.lastReleasedAt() != null) {
      b.setLastReleasedAt(timestamp(i.lastReleasedAt()));
    }
    if (i.drainReason() != null) {
      b.setDrainReason(i.drainReason().label());
    }
    return b.build();
  }

  static Policy policy(io.fleetscaler.core.policy.Policy p) {
    return Policy.newBuilder()
        .addAllPeriods(p.periods())
        .setTimezone(p.timezone().getId())
        .setIdleCount(p.idleCount())
        .setIdleTime(duration(p.idleTime()))
        .setScaleFactor(p.scaleFactor())
        .setScaleFactorLimit(p.scaleFactorLimit())
        .setPreemptiveMode(p.preemptiveMode())
        .build();
  }

  static io.fleetscaler.proto.v1.Decision decision(Decision d) {
    io.fleetscaler.proto.v1.Decision.Builder b =
        io.fleetscaler.proto.v1.Decision.newBuilder()
            .setAt(timestamp(d.at()))
            .setRequested(d.requested())
            .setCreated(d.created())
            .setDemand(d.demand())
            .setDesired(d.desired())
            .setNotScaledBecause(d.notScaledBecause());
    for (Deletion del : d.deletions()) {
      b.addDeletions(
          io.fleetscaler.proto.v1.Deletion.newBuilder()
              .setInstanceId(del.instanceId())
              .setReason(del.reason().label()));
    }
    return b.build();
  }

  static ConnectInfo connectInfo(io.fleetscaler.plugin.api.ConnectInfo info) {
    ConnectorConfig c = info.connector();
    ConnectInfo.Builder b =
        ConnectInfo.newBuilder()
            .setInstanceId(info.id())
            .setOs(c.os())
            .setArch(c.arch())
            .setProtocol(c.protocol().wireName())
            .setProtocolPort(c.effectivePort())
            .setUsername(c.username())
            .setPassword(Objects.requireNonNullElse(c.password(), ""))
            .setPrivateKey(Objects.requireNonNullElse(c.privateKey(), ""))
            .setUseStaticCredentials(c.useStaticCredentials())
            .setKeepalive(duration(c.keepalive()))
            .setTimeout(duration(c.timeout()))
            .setInternalAddr(info.internalAddr())
            .setExternalAddr(info.externalAddr());
    if (info.expires() != null) {
      b.setExpires(timestamp(info.expires()));
    }
    return b.build();
  }

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  static Duration duration(java.time.Duration d) {
    return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  static java.time.Duration javaDuration(Duration d) {
    return java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }
}
