package io.fleetscaler.daemon.api;

import com.google.rpc.Code;
import io.fleetscaler.core.scaler.Acquisition;
import io.fleetscaler.core.scaler.NoCapacityException;
import io.fleetscaler.core.scaler.NotServedException;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.daemon.logging.Printable;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.proto.v1.AcquireRequest;
import io.fleetscaler.proto.v1.AcquireResponse;
import io.fleetscaler.proto.v1.FleetEvent;
import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.GetBlockingReasonsRequest;
import io.fleetscaler.proto.v1.GetBlockingReasonsResponse;
import io.fleetscaler.proto.v1.GetFleetRequest;
import io.fleetscaler.proto.v1.GetFleetResponse;
import io.fleetscaler.proto.v1.GroupStatus;
import io.fleetscaler.proto.v1.ReleaseRequest;
import io.fleetscaler.proto.v1.ReleaseResponse;
import io.fleetscaler.proto.v1.ReserveRequest;
import io.fleetscaler.proto.v1.ReserveResponse;
import io.fleetscaler.proto.v1.UnreserveRequest;
import io.fleetscaler.proto.v1.UnreserveResponse;
import io.fleetscaler.proto.v1.WatchFleetRequest;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * {@code fleetscaler.v1.Fleet} over a set of task scalers. Requests run on the transport's thread
 * (the scaler's request methods do not block); only asking the plugin for connect info, which may
 * call a cloud, runs on {@code blockingWork}.
 *
 * <p>Errors are returned with {@code onError}, never thrown: gRPC would turn a thrown exception
 * into UNKNOWN.
 *
 * <p>No slot outlives a failed Acquire: if the call is cancelled, its deadline passes, the plugin
 * cannot give connect info, or the instance is lost before the answer goes out, the slot is
 * released. An answer already sent cannot be taken back; a client that gives up on one Releases the
 * key.
 */
final class FleetService extends FleetGrpc.FleetImplBase {
  /** The longest key, in UTF-8 bytes (as {@code fleet.proto} says). */
  static final int MAX_KEY_BYTES = 256;

  /** The largest {@code google.protobuf.Duration}: 10 000 years, as its definition says. */
  static final long MAX_DURATION_SECONDS = 315_576_000_000L;

  private final Map<String, TaskScaler> groups;
  private final @Nullable String onlyGroup;
  private final FleetWatch watch;
  private final Executor blockingWork;
  private final Map<String, Duration> acquireTimeouts;
  private final GroupRoutes routes;

  /**
   * @param groups the scalers by group name, in configuration order; at least one
   * @param watch the subscribers of WatchFleet over the same groups
   * @param blockingWork runs plugin calls that may block
   */
  FleetService(Map<String, TaskScaler> groups, FleetWatch watch, Executor blockingWork) {
    this(groups, Map.of(), watch, blockingWork);
  }

  /**
   * @param acquireTimeouts each group's {@code instance_acquire_timeout}: how long an Acquire that
   *     gives neither a timeout nor a deadline waits; an Acquire of a group without one must give
   *     either
   */
  FleetService(
      Map<String, TaskScaler> groups,
      Map<String, Duration> acquireTimeouts,
      FleetWatch watch,
      Executor blockingWork) {
    this(groups, acquireTimeouts, watch, blockingWork, GroupRoutes.ALL_HERE);
  }

  /**
   * @param routes which groups this node serves now (a sharded high-availability set): a call about
   *     another group is answered with where it is served
   */
  FleetService(
      Map<String, TaskScaler> groups,
      Map<String, Duration> acquireTimeouts,
      FleetWatch watch,
      Executor blockingWork,
      GroupRoutes routes) {
    this.routes = routes;
    this.acquireTimeouts = Map.copyOf(acquireTimeouts);
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("the API needs at least one group, got none");
    }
    this.groups = groups;
    this.onlyGroup = groups.size() == 1 ? groups.keySet().iterator().next() : null;
    this.watch = watch;
    this.blockingWork = blockingWork;
  }

  @Override
  public void reserve(ReserveRequest request, StreamObserver<ReserveResponse> response) {
    try {
      String group = servedHere(groupName(request.getGroup()));
      TaskScaler scaler = scaler(group);
      String key = key(request.getKey());
      ReserveResponse.Outcome outcome =
          switch (scaler.reserve(key)) {
            case RESERVED -> ReserveResponse.Outcome.RESERVED;
            case ACCEPTED_PENDING -> ReserveResponse.Outcome.ACCEPTED_PENDING;
            case ALREADY_HELD -> ReserveResponse.Outcome.ALREADY_HELD;
            case NO_CAPACITY ->
                throw ApiErrors.noCapacity(group, "no slot to reserve", scaler.snapshot());
          };
      response.onNext(ReserveResponse.newBuilder().setOutcome(outcome).build());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  @Override
  public void unreserve(UnreserveRequest request, StreamObserver<UnreserveResponse> response) {
    try {
      TaskScaler scaler = scaler(servedHere(groupName(request.getGroup())));
      boolean done = scaler.unreserve(key(request.getKey()));
      response.onNext(UnreserveResponse.newBuilder().setUnreserved(done).build());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  @Override
  public void release(ReleaseRequest request, StreamObserver<ReleaseResponse> response) {
    try {
      TaskScaler scaler = scaler(servedHere(groupName(request.getGroup())));
      String key = key(request.getKey());
      boolean freed;
      try {
        freed = scaler.release(key);
      } catch (IllegalStateException onlyReserved) {
        throw ApiErrors.of(
            Code.FAILED_PRECONDITION, "key: '" + key + "' is only reserved; call Unreserve");
      }
      response.onNext(ReleaseResponse.newBuilder().setReleased(freed).build());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  @Override
  public void acquire(AcquireRequest request, StreamObserver<AcquireResponse> response) {
    try {
      String group = servedHere(groupName(request.getGroup()));
      TaskScaler scaler = scaler(group);
      String key = key(request.getKey());
      Duration timeout = timeout(request, acquireTimeouts.get(group));
      ServerCallStreamObserver<AcquireResponse> call =
          (ServerCallStreamObserver<AcquireResponse>) response;
      // True while this call holds a slot it has not handed over: whoever clears it (the answer or
      // the cancellation) decides whether the client gets the slot or it is released.
      AtomicBoolean holding = new AtomicBoolean();
      CompletableFuture<Acquisition> future = scaler.acquire(key, timeout);
      call.setOnCancelHandler(
          () -> {
            future.cancel(false);
            if (holding.compareAndSet(true, false)) {
              scaler.release(key);
            }
          });
      // The dependent stage needs no handle: it reports its own failures to the call.
      var unused =
          future.whenComplete(
              (acquisition, error) -> {
                if (error != null) {
                  failAcquire(call, group, scaler, error);
                  return;
                }
                holding.set(true);
                if (call.isCancelled()) {
                  if (holding.compareAndSet(true, false)) {
                    scaler.release(key);
                  }
                  return;
                }
                blockingWork.execute(() -> answer(call, group, scaler, acquisition, holding));
              });
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  private void answer(
      ServerCallStreamObserver<AcquireResponse> call,
      String group,
      TaskScaler scaler,
      Acquisition acquisition,
      AtomicBoolean holding) {
    String key = acquisition.key();
    AcquireResponse.Builder answer =
        AcquireResponse.newBuilder()
            .setInstanceId(acquisition.instanceId())
            .setSlot(acquisition.slot());
    try {
      answer.setConnectInfo(FleetMessages.connectInfo(acquisition.connectInfo()));
    } catch (ProviderException | IllegalStateException e) {
      if (holding.compareAndSet(true, false)) {
        scaler.release(key);
        call.onError(
            ApiErrors.of(
                Code.UNAVAILABLE,
                "connect_info: the plugin could not say how to reach instance "
                    + acquisition.instanceId()
                    + " ("
                    + e.getMessage()
                    + "); the slot was released, retry"));
      }
      return;
    }
    String lostCause = acquisition.cancelCause();
    if (lostCause != null) {
      if (holding.compareAndSet(true, false)) {
        scaler.release(key);
        call.onError(
            ApiErrors.of(
                Code.ABORTED,
                "instance "
                    + acquisition.instanceId()
                    + " was lost ("
                    + lostCause
                    + ") before the answer; acquire again"));
      }
      return;
    }
    var unused =
        acquisition
            .cancellation()
            .thenAccept(cause -> watch.lost(group, key, acquisition.instanceId(), cause));
    if (holding.compareAndSet(true, false)) {
      call.onNext(answer.build());
      call.onCompleted();
    }
  }

  private static void failAcquire(
      ServerCallStreamObserver<AcquireResponse> call,
      String group,
      TaskScaler scaler,
      Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof CancellationException || call.isCancelled()) {
      return; // the client is gone; it hears nothing more
    }
    call.onError(
        switch (cause) {
          case NoCapacityException e ->
              ApiErrors.noCapacity(group, "no slot: " + e.getMessage(), scaler.snapshot());
          case NotServedException e ->
              // Not saved, or this node cannot be sure it still leads: the slot went back.
              ApiErrors.of(Code.UNAVAILABLE, inWords(e) + "; retry");
          case IllegalStateException e when e.getCause() != null ->
              // A slot was found but not handed out (saving the scaler's state failed): not the
              // caller's doing, the slot went back, and a later attempt may succeed.
              ApiErrors.of(
                  Code.UNAVAILABLE,
                  inWords(e) + ": " + inWords(e.getCause()) + "; the slot was released, retry");
          case IllegalStateException e ->
              // The scaler's message names the key already ("key k1 has already ...").
              ApiErrors.of(Code.ALREADY_EXISTS, inWords(e));
          default -> {
            ACQUIRE_BUGS.log(
                System.Logger.Level.ERROR,
                "acquire in group "
                    + Printable.escape(group)
                    + " failed inside the daemon: "
                    + cause.getClass().getName()
                    + ": "
                    + inWords(cause));
            yield ApiErrors.of(
                Code.INTERNAL,
                "acquire failed inside the daemon: " + inWords(cause) + "; see its log");
          }
        });
  }

  /** Unexpected acquire failures: a bug, logged with its class for the developer, rate-limited. */
  private static final RateLimitedLog ACQUIRE_BUGS =
      new RateLimitedLog(System.getLogger(FleetService.class.getName()), 60_000);

  /**
   * What went wrong in words: the message, or a sentence when it has none; never a bare class name.
   * A wrapper whose message is only its cause's {@code toString()} ("java.io.IOException: ...") is
   * seen through to the cause's own message.
   */
  static String inWords(@Nullable Throwable t) {
    @Nullable Throwable at = t;
    for (int depth = 0; at != null && depth < 8; depth++) {
      @Nullable String message = at.getMessage();
      @Nullable Throwable cause = at.getCause();
      if (cause != null && (message == null || message.equals(cause.toString()))) {
        at = cause;
        continue;
      }
      if (message != null && !message.isBlank()) {
        return message;
      }
      break;
    }
    return "an unexpected internal error without a description";
  }

  @Override
  public void getFleet(GetFleetRequest request, StreamObserver<GetFleetResponse> response) {
    try {
      GetFleetResponse.Builder b = GetFleetResponse.newBuilder();
      if (request.getGroup().isEmpty()) {
        groups.forEach(
            (name, scaler) -> {
              StatusRuntimeException elsewhere = routes.notHere(name);
              if (elsewhere == null) {
                b.addGroups(status(name, scaler));
              } else {
                b.addElsewhere(FleetMessages.elsewhere(name, elsewhere));
              }
            });
        if (b.getGroupsCount() == 0) {
          throw routes.noneHere();
        }
      } else {
        String name = servedHere(groupName(request.getGroup()));
        b.addGroups(status(name, scaler(name)));
      }
      response.onNext(b.build());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  @Override
  public void getBlockingReasons(
      GetBlockingReasonsRequest request, StreamObserver<GetBlockingReasonsResponse> response) {
    try {
      GetBlockingReasonsResponse.Builder b = GetBlockingReasonsResponse.newBuilder();
      if (request.getGroup().isEmpty()) {
        groups.forEach(
            (name, scaler) -> {
              if (routes.notHere(name) == null) {
                b.addGroups(WaitMessages.of(name, scaler.waitReasons()));
              }
            });
        if (b.getGroupsCount() == 0) {
          throw routes.noneHere();
        }
      } else {
        String name = servedHere(groupName(groupArgument(request.getGroup())));
        b.addGroups(WaitMessages.of(name, scaler(name).waitReasons()));
      }
      response.onNext(b.build());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  /** A group name as a request gives it: bounded and printable, else INVALID_ARGUMENT. */
  private static String groupArgument(String group) {
    int bytes = group.length() * 3 <= MAX_KEY_BYTES ? group.length() : utf8Length(group);
    if (bytes > MAX_KEY_BYTES) {
      throw ApiErrors.invalid(
          "group", "at most " + MAX_KEY_BYTES + " bytes of UTF-8, got " + bytes);
    }
    if (!Printable.isSafe(group)) {
      throw ApiErrors.invalid(
          "group",
          "contains a control, bidirectional or invisible character: '"
              + Printable.escape(group)
              + "'");
    }
    return group;
  }

  @Override
  public void watchFleet(WatchFleetRequest request, StreamObserver<FleetEvent> response) {
    try {
      String group =
          request.getGroup().isEmpty() ? null : servedHere(groupName(request.getGroup()));
      if (group == null && groups.keySet().stream().allMatch(g -> routes.notHere(g) != null)) {
        throw routes.noneHere();
      }
      watch.subscribe(group, (ServerCallStreamObserver<FleetEvent>) response);
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  private GroupStatus status(String name, TaskScaler scaler) {
    return FleetMessages.groupStatus(name, scaler.snapshot(), routes.shardOf(name));
  }

  /** {@code group} if this node serves it now; else throws where it is served. */
  private String servedHere(String group) {
    StatusRuntimeException elsewhere = routes.notHere(group);
    if (elsewhere != null) {
      throw elsewhere;
    }
    return group;
  }

  private TaskScaler scaler(String name) {
    return Objects.requireNonNull(groups.get(name), name);
  }

  /** The group a request names, or the only one; the name is a key of {@link #groups}. */
  private String groupName(String requested) {
    if (requested.isEmpty()) {
      if (onlyGroup == null) {
        throw ApiErrors.invalid(
            "group", "required: the daemon runs several groups " + groups.keySet());
      }
      return onlyGroup;
    }
    if (!groups.containsKey(requested)) {
      throw ApiErrors.of(
          Code.NOT_FOUND,
          "group: no group named '"
              + Printable.escape(
                  requested.length() > 256 ? requested.substring(0, 256) + "..." : requested)
              + "'; groups: "
              + groups.keySet());
    }
    return requested;
  }

  private static String key(String key) {
    if (key.isEmpty()) {
      throw ApiErrors.invalid("key", "required");
    }
    // At most 4 bytes a char: only a long key needs counting.
    int bytes = key.length() * 3 <= MAX_KEY_BYTES ? key.length() : utf8Length(key);
    if (bytes > MAX_KEY_BYTES) {
      throw ApiErrors.invalid("key", "at most " + MAX_KEY_BYTES + " bytes of UTF-8, got " + bytes);
    }
    if (!Printable.isSafe(key)) {
      throw ApiErrors.invalid(
          "key",
          "contains a control, bidirectional or invisible character: '"
              + Printable.escape(key)
              + "'");
    }
    return key;
  }

  private static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /**
   * The call's {@code timeout}; else its deadline, capped by the group's default; else the group's
   * default ({@code instance_acquire_timeout}).
   */
  private static Duration timeout(AcquireRequest request, @Nullable Duration groupDefault) {
    if (request.hasTimeout()) {
      com.google.protobuf.Duration t = request.getTimeout();
      if (t.getSeconds() < 0
          || t.getNanos() < 0
          || t.getNanos() > 999_999_999
          || (t.getSeconds() == 0 && t.getNanos() == 0)) {
        throw ApiErrors.invalid(
            "timeout", "must be positive, got " + t.getSeconds() + "s " + t.getNanos() + "ns");
      }
      if (t.getSeconds() > MAX_DURATION_SECONDS) {
        throw ApiErrors.invalid(
            "timeout",
            "beyond google.protobuf.Duration's range (at most "
                + MAX_DURATION_SECONDS
                + "s), got "
                + t.getSeconds()
                + "s");
      }
      return FleetMessages.javaDuration(t);
    }
    Deadline deadline = Context.current().getDeadline();
    if (deadline == null) {
      if (groupDefault == null) {
        throw ApiErrors.invalid("timeout", "required when the call has no deadline");
      }
      return groupDefault;
    }
    Duration remaining =
        Duration.ofNanos(Math.max(1, deadline.timeRemaining(TimeUnit.NANOSECONDS)));
    return groupDefault != null && groupDefault.compareTo(remaining) < 0 ? groupDefault : remaining;
  }
}
