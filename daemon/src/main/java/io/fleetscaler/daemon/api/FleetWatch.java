package io.fleetscaler.daemon.api;

import com.google.rpc.Code;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.proto.v1.AcquisitionLost;
import io.fleetscaler.proto.v1.FleetEvent;
import io.fleetscaler.proto.v1.GroupStatus;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The subscribers of {@code WatchFleet} and what they have been sent.
 *
 * <p>The engine has no change feed, so {@link #poll()} (run every few hundred milliseconds by the
 * server, or by a test directly) snapshots each watched group and sends its status to every
 * subscriber whose last copy differs. Statuses coalesce: a subscriber that cannot keep up (gRPC
 * flow control says not ready) is sent only the latest status per group once it can. Lost
 * acquisitions are discrete events and are queued, at most {@link #MAX_QUEUED} per subscriber; one
 * that falls further behind is ended with RESOURCE_EXHAUSTED rather than buffered without bound.
 *
 * <p>In a sharded high-availability set only the groups this node serves now ({@link GroupRoutes})
 * are sent: a watch of every group streams those led here, and a watch of one group ends with that
 * group's {@code NotLeader} answer once its shard is no longer led here, so the client watches it
 * on its new leader. Thread-safe; each subscriber's stream is written under its own lock.
 */
final class FleetWatch {
  static final int MAX_QUEUED = 1024;

  private final Map<String, TaskScaler> groups;
  private final GroupRoutes routes;
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();

  FleetWatch(Map<String, TaskScaler> groups) {
    this(groups, GroupRoutes.ALL_HERE);
  }

  FleetWatch(Map<String, TaskScaler> groups, GroupRoutes routes) {
    this.groups = groups;
    this.routes = routes;
  }

  /** Starts a watch of {@code group} (null for all), sending the current statuses at once. */
  void subscribe(@Nullable String group, ServerCallStreamObserver<FleetEvent> stream) {
    Subscriber s = new Subscriber(group, stream);
    stream.setOnCancelHandler(() -> subscribers.remove(s));
    stream.setOnReadyHandler(s::drain);
    subscribers.add(s);
    for (Map.Entry<String, GroupStatus> e : statuses(s.group).entrySet()) {
      s.status(e.getValue());
    }
  }

  /** Sends every changed status to its subscribers. */
  void poll() {
    if (subscribers.isEmpty()) {
      return;
    }
    Map<String, GroupStatus> now = statuses(null);
    for (Subscriber s : List.copyOf(subscribers)) {
      StatusRuntimeException elsewhere = s.group == null ? null : routes.notHere(s.group);
      if (elsewhere != null) {
        subscribers.remove(s);
        s.fail(elsewhere);
        continue;
      }
      for (GroupStatus status : now.values()) {
        if (s.group == null || s.group.equals(status.getName())) {
          s.status(status);
        }
      }
    }
  }

  /** Tells the group's subscribers that {@code key}'s instance was lost. */
  void lost(String group, String key, String instanceId, String cause) {
    FleetEvent event =
        FleetEvent.newBuilder()
            .setAcquisitionLost(
                AcquisitionLost.newBuilder()
                    .setGroup(group)
                    .setKey(key)
                    .setInstanceId(instanceId)
                    .setCause(cause))
            .build();
    for (Subscriber s : subscribers) {
      if (s.group == null || s.group.equals(group)) {
        s.event(event);
      }
    }
  }

  /** Ends every watch, as the server stops. */
  void close() {
    for (Subscriber s : subscribers) {
      s.end();
    }
    subscribers.clear();
  }

  int subscriberCount() {
    return subscribers.size();
  }

  private Map<String, GroupStatus> statuses(@Nullable String only) {
    Map<String, GroupStatus> result = new LinkedHashMap<>();
    for (Map.Entry<String, TaskScaler> e : groups.entrySet()) {
      if ((only == null || only.equals(e.getKey())) && routes.notHere(e.getKey()) == null) {
        result.put(
            e.getKey(),
            FleetMessages.groupStatus(
                e.getKey(), e.getValue().snapshot(), routes.shardOf(e.getKey())));
      }
    }
    return result;
  }

  private final class Subscriber {
    final @Nullable String group;
    final ServerCallStreamObserver<FleetEvent> stream;
    // Guarded by this.
    private final Map<String, GroupStatus> sent = new HashMap<>();
    private final Map<String, GroupStatus> unsent = new LinkedHashMap<>();
    private final ArrayDeque<FleetEvent> queued = new ArrayDeque<>();
    private boolean ended;
    private boolean draining;

    Subscriber(@Nullable String group, ServerCallStreamObserver<FleetEvent> stream) {
      this.group = group;
      this.stream = stream;
    }

    synchronized void status(GroupStatus status) {
      GroupStatus last = unsent.getOrDefault(status.getName(), sent.get(status.getName()));
      if (!status.equals(last)) {
        unsent.put(status.getName(), status);
        drain();
      }
    }

    synchronized void event(FleetEvent event) {
      if (queued.size() >= MAX_QUEUED) {
        subscribers.remove(this);
        ended = true;
        stream.onError(
            ApiErrors.of(
                Code.RESOURCE_EXHAUSTED,
                "watch: more than " + MAX_QUEUED + " events unread; watch again"));
        return;
      }
      queued.add(event);
      drain();
    }

    synchronized void drain() {
      // onNext may call back into drain (the onReady handler, on a direct executor): the outer
      // call finishes the work.
      if (draining || ended || stream.isCancelled()) {
        return;
      }
      draining = true;
      try {
        while (stream.isReady() && !queued.isEmpty()) {
          stream.onNext(queued.poll());
        }
        while (stream.isReady() && !unsent.isEmpty()) {
          String group = unsent.keySet().iterator().next();
          GroupStatus status = java.util.Objects.requireNonNull(unsent.remove(group));
          sent.put(group, status);
          stream.onNext(FleetEvent.newBuilder().setStatus(status).build());
        }
      } finally {
        draining = false;
      }
    }

    /** Ends the watch with {@code error} (the group is served elsewhere now). */
    synchronized void fail(StatusRuntimeException error) {
      if (!ended && !stream.isCancelled()) {
        ended = true;
        stream.onError(error);
      }
    }

    synchronized void end() {
      if (!ended && !stream.isCancelled()) {
        ended = true;
        stream.onCompleted();
      }
    }
  }
}
