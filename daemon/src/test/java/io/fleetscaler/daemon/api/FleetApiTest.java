package io.fleetscaler.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.proto.v1.AcquireRequest;
import io.fleetscaler.proto.v1.AcquireResponse;
import io.fleetscaler.proto.v1.FleetEvent;
import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.GetBlockingReasonsRequest;
import io.fleetscaler.proto.v1.GetBlockingReasonsResponse;
import io.fleetscaler.proto.v1.GetFleetRequest;
import io.fleetscaler.proto.v1.GroupStatus;
import io.fleetscaler.proto.v1.NoCapacity;
import io.fleetscaler.proto.v1.ReleaseRequest;
import io.fleetscaler.proto.v1.ReserveRequest;
import io.fleetscaler.proto.v1.ReserveResponse;
import io.fleetscaler.proto.v1.UnreserveRequest;
import io.fleetscaler.proto.v1.WatchFleetRequest;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The API's semantics over grpc-java's in-process transport, against real task scalers on the
 * simulated cloud under a manual clock: every step is driven by {@code tick()}, nothing sleeps.
 */
class FleetApiTest {
  private static final Duration BOOT = Duration.ofSeconds(10);

  private final ManualClock clock = new ManualClock();
  private final Map<String, SimulatedInstanceGroup> clouds = new LinkedHashMap<>();
  private final Map<String, TaskScaler> scalers = new LinkedHashMap<>();
  private final Map<String, Duration> acquireTimeouts = new LinkedHashMap<>();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private @Nullable FleetWatch watch;
  private @Nullable ManagedChannel channel;

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
    scalers.values().forEach(TaskScaler::shutdown);
  }

  private TaskScaler group(String name, int maxInstances, int capacity, Policy policy) {
    SimulatedInstanceGroup cloud = new SimulatedInstanceGroup(clock);
    TaskScaler scaler =
        TaskScaler.builder(cloud)
            .plugin(Settings.defaults(), "{\"create_latency\":\"" + BOOT.toSeconds() + "s\"}")
            .maxInstances(maxInstances)
            .capacityPerInstance(capacity)
            .policies(List.of(policy))
            .clock(clock)
            .randomSeed(1)
            .manualTicks()
            .build();
    clouds.put(name, cloud);
    scalers.put(name, scaler);
    return scaler;
  }

  private SimulatedInstanceGroup cloud(String name) {
    return java.util.Objects.requireNonNull(clouds.get(name), name);
  }

  private TaskScaler scaler(String name) {
    return java.util.Objects.requireNonNull(scalers.get(name), name);
  }

  /** Ticks until the scaler has {@code n} ready instances, booting them on the manual clock. */
  private void bootUntilReady(TaskScaler scaler, int n) {
    for (int i = 0; i < 10 && ready(scaler) < n; i++) {
      scaler.tick();
      clock.advance(BOOT);
      scaler.tick();
    }
    assertThat(ready(scaler)).as("ready instances").isEqualTo(n);
  }

  private static int ready(TaskScaler scaler) {
    return scaler.snapshot().instancesByState().getOrDefault("ready", 0);
  }

  private FleetGrpc.FleetBlockingStub serve() throws Exception {
    return FleetGrpc.newBlockingStub(channel(null));
  }

  /** Groups "linux" and "windows" of one slot per instance and no idle target, served. */
  private FleetGrpc.FleetBlockingStub twoIdleGroups(int maxInstances) throws Exception {
    group("linux", maxInstances, 1, Policy.of(0));
    group("windows", maxInstances, 1, Policy.of(0));
    return serve();
  }

  /** The error status {@code call} fails with. */
  private static StatusRuntimeException rejected(ThrowingCallable call) {
    return catchThrowableOfType(StatusRuntimeException.class, call);
  }

  private ManagedChannel channel(@Nullable BearerToken token) throws Exception {
    String name = InProcessServerBuilder.generateName();
    FleetWatch w = new FleetWatch(scalers);
    watch = w;
    FleetService service = new FleetService(scalers, acquireTimeouts, w, Runnable::run);
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
    builder.addService(
        token == null
            ? service.bindService()
            : io.grpc.ServerInterceptors.intercept(service, token));
    Server server = builder.build().start();
    closing.add(() -> server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    ManagedChannel c = InProcessChannelBuilder.forName(name).directExecutor().build();
    closing.add(() -> c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    channel = c;
    return c;
  }

  private static AcquireRequest acquire(String key, Duration timeout) {
    return AcquireRequest.newBuilder()
        .setKey(key)
        .setTimeout(
            com.google.protobuf.Duration.newBuilder()
                .setSeconds(timeout.getSeconds())
                .setNanos(timeout.getNano()))
        .build();
  }

  private static <T extends com.google.protobuf.Message> T detail(
      StatusRuntimeException e, Class<T> type) throws InvalidProtocolBufferException {
    com.google.rpc.Status status =
        java.util.Objects.requireNonNull(
            StatusProto.fromThrowable(e), "google.rpc.Status in the trailers");
    for (Any any : status.getDetailsList()) {
      if (any.is(type)) {
        return any.unpack(type);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " detail in " + status);
  }

  @Test
  void reserveAcquireReleaseRoundTrip() throws Exception {
    TaskScaler scaler = group("linux", 3, 2, Policy.of(2));
    bootUntilReady(scaler, 1);
    FleetGrpc.FleetBlockingStub api = serve();

    ReserveResponse reserved = api.reserve(ReserveRequest.newBuilder().setKey("job-1").build());
    assertThat(reserved.getOutcome()).isEqualTo(ReserveResponse.Outcome.RESERVED);
    assertThat(api.reserve(ReserveRequest.newBuilder().setKey("job-1").build()).getOutcome())
        .isEqualTo(ReserveResponse.Outcome.ALREADY_HELD);

    AcquireResponse acquired = api.acquire(acquire("job-1", Duration.ofMinutes(1)));
    assertThat(acquired.getSlot()).isBetween(0, 1);
    assertThat(acquired.getConnectInfo().getInstanceId()).isEqualTo(acquired.getInstanceId());
    assertThat(acquired.getConnectInfo().getProtocol()).isEqualTo("ssh");
    assertThat(acquired.getConnectInfo().getProtocolPort()).isEqualTo(22);

    GroupStatus status = api.getFleet(GetFleetRequest.getDefaultInstance()).getGroups(0);
    assertThat(status.getName()).isEqualTo("linux");
    assertThat(status.getSlots().getAcquired()).isEqualTo(1);
    assertThat(status.getInstancesList())
        .anySatisfy(i -> assertThat(i.getId()).isEqualTo(acquired.getInstanceId()));
    assertThat(status.getActivePolicy().getIdleCount()).isEqualTo(2);

    assertThat(api.release(ReleaseRequest.newBuilder().setKey("job-1").build()).getReleased())
        .isTrue();
    assertThat(api.release(ReleaseRequest.newBuilder().setKey("job-1").build()).getReleased())
        .as("release is idempotent")
        .isFalse();
    assertThat(scaler.snapshot().slots().acquired()).isZero();
  }

  @Test
  void acquireWaitsForAnInstanceTheScalerCreates() throws Exception {
    TaskScaler scaler = group("linux", 2, 1, Policy.of(0));
    FleetGrpc.FleetStub api = FleetGrpc.newStub(channel(null));
    Observed<AcquireResponse> answer = new Observed<>();
    api.acquire(acquire("job-1", Duration.ofMinutes(5)), answer);
    assertThat(answer.future).isNotDone();
    assertThat(scaler.snapshot().pendingAcquisitions()).isEqualTo(1);

    bootUntilReady(scaler, 1);
    AcquireResponse acquired = answer.future.get(5, TimeUnit.SECONDS);
    assertThat(acquired.getInstanceId()).isEqualTo(cloud("linux").snapshot().getFirst().id());
  }

  @Test
  void invalidArgumentsNameTheField() throws Exception {
    FleetGrpc.FleetBlockingStub api = twoIdleGroups(2);

    StatusRuntimeException noKey =
        rejected(() -> api.reserve(ReserveRequest.newBuilder().setGroup("linux").build()));
    assertThat(noKey.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(noKey.getStatus().getDescription()).startsWith("key: ");
    assertThat(detail(noKey, BadRequest.class).getFieldViolations(0).getField()).isEqualTo("key");

    StatusRuntimeException longKey =
        rejected(
            () ->
                api.unreserve(
                    UnreserveRequest.newBuilder()
                        .setGroup("linux")
                        .setKey("k".repeat(257))
                        .build()));
    assertThat(longKey.getStatus().getDescription())
        .isEqualTo("key: at most 256 bytes of UTF-8, got 257");

    StatusRuntimeException noGroup =
        rejected(() -> api.reserve(ReserveRequest.newBuilder().setKey("job-1").build()));
    assertThat(noGroup.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(noGroup.getStatus().getDescription())
        .isEqualTo("group: required: the daemon runs several groups [linux, windows]");
    assertThat(detail(noGroup, BadRequest.class).getFieldViolations(0).getField())
        .isEqualTo("group");

    StatusRuntimeException unknown =
        rejected(
            () -> api.reserve(ReserveRequest.newBuilder().setGroup("mac").setKey("j").build()));
    assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(unknown.getStatus().getDescription()).startsWith("group: no group named 'mac'");

    StatusRuntimeException noTimeout =
        rejected(
            () -> api.acquire(AcquireRequest.newBuilder().setGroup("linux").setKey("j").build()));
    assertThat(noTimeout.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(noTimeout.getStatus().getDescription())
        .isEqualTo("timeout: required when the call has no deadline");

    StatusRuntimeException negative =
        rejected(
            () ->
                api.acquire(
                    acquire("j", Duration.ofSeconds(-5)).toBuilder().setGroup("linux").build()));
    assertThat(negative.getStatus().getDescription()).startsWith("timeout: must be positive");
    assertThat(scaler("linux").snapshot().pendingAcquisitions())
        .as("a refused request changes nothing")
        .isZero();
  }

  @Test
  void withoutTimeoutOrDeadlineAnAcquireWaitsForItsGroupsAcquireTimeout() throws Exception {
    TaskScaler scaler = group("linux", 1, 1, Policy.of(0));
    acquireTimeouts.put("linux", Duration.ofMinutes(15));
    cloud("linux").setCapacityLimit(0); // nothing can boot: the acquisition can only time out
    FleetGrpc.FleetStub api = FleetGrpc.newStub(channel(null));
    Observed<AcquireResponse> answer = new Observed<>();
    api.acquire(AcquireRequest.newBuilder().setKey("job-1").build(), answer);

    clock.advance(Duration.ofMinutes(14));
    scaler.tick();
    assertThat(answer.future).as("still within instance_acquire_timeout").isNotDone();
    assertThat(scaler.snapshot().pendingAcquisitions()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(1));
    scaler.tick();
    ExecutionException failed =
        catchThrowableOfType(
            ExecutionException.class, () -> answer.future.get(5, TimeUnit.SECONDS));
    assertThat(failed.getCause())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
  }

  @Test
  void aDeadlineServesAsTheTimeout() throws Exception {
    TaskScaler scaler = group("linux", 1, 1, Policy.of(1));
    bootUntilReady(scaler, 1);
    FleetGrpc.FleetBlockingStub api = serve();
    AcquireResponse acquired =
        api.withDeadlineAfter(30, TimeUnit.SECONDS)
            .acquire(AcquireRequest.newBuilder().setKey("job-1").build());
    assertThat(acquired.getInstanceId()).isNotEmpty();
  }

  @Test
  void noCapacityIsResourceExhaustedWithTheSlotCounts() throws Exception {
    TaskScaler scaler = group("linux", 1, 1, Policy.of(1));
    bootUntilReady(scaler, 1);
    FleetGrpc.FleetBlockingStub blocking = serve();
    blocking.acquire(acquire("job-1", Duration.ofMinutes(1)));

    Observed<AcquireResponse> second = new Observed<>();
    FleetGrpc.newStub(channel).acquire(acquire("job-2", Duration.ofSeconds(30)), second);
    assertThat(second.future).as("at the maximum, an acquisition waits").isNotDone();
    clock.advance(Duration.ofSeconds(31));
    scaler.tick();

    StatusRuntimeException e = second.failure();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription())
        .contains("no slot became ready in time")
        .contains("in group 'linux' (idle:0,reserved:0,acquired:1,unavailable:0,unhealthy:0");
    NoCapacity detail = detail(e, NoCapacity.class);
    assertThat(detail.getGroup()).isEqualTo("linux");
    assertThat(detail.getSlots().getAcquired()).isEqualTo(1);
    assertThat(detail.getSlots().getIdle()).isZero();
    assertThat(detail.getSlots().getInstances()).isEqualTo(1);
  }

  @Test
  void blockingReasonsSayWhyAJobWaitsAndATimeoutNamesThem() throws Exception {
    TaskScaler scaler = group("linux", 1, 1, Policy.of(1));
    bootUntilReady(scaler, 1);
    FleetGrpc.FleetBlockingStub blocking = serve();
    blocking.acquire(acquire("job-1", Duration.ofMinutes(1)));
    Observed<AcquireResponse> second = new Observed<>();
    FleetGrpc.newStub(channel).acquire(acquire("job-2", Duration.ofSeconds(30)), second);

    GetBlockingReasonsResponse why =
        blocking.getBlockingReasons(GetBlockingReasonsRequest.getDefaultInstance());
    assertThat(why.getGroupsList())
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.getGroup()).isEqualTo("linux");
              assertThat(g.getPendingAcquisitions()).isEqualTo(1);
              assertThat(g.getReasonsList())
                  .anySatisfy(
                      r -> {
                        assertThat(r.getReason()).isEqualTo("max_instances");
                        assertThat(r.getCount()).isEqualTo(1);
                        assertThat(r.getLimit()).isEqualTo(1);
                        assertThat(r.getDetail()).contains("1 acquisitions waiting");
                      });
            });
    assertThat(
            blocking
                .getBlockingReasons(
                    GetBlockingReasonsRequest.newBuilder().setGroup("linux").build())
                .getGroups(0)
                .getReasonsList())
        .extracting(io.fleetscaler.proto.v1.BlockingReason::getReason)
        .contains("max_instances");

    clock.advance(Duration.ofSeconds(31));
    scaler.tick();
    assertThat(second.failure().getStatus().getDescription())
        .contains("held by: max_instances (at max_instances: 1 instances of 1");
  }

  @Test
  void blockingReasonsRefuseABadGroup() throws Exception {
    FleetGrpc.FleetBlockingStub api = twoIdleGroups(1);
    StatusRuntimeException tooLong =
        rejected(
            () ->
                api.getBlockingReasons(
                    GetBlockingReasonsRequest.newBuilder().setGroup("g".repeat(300)).build()));
    assertThat(tooLong.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(tooLong.getStatus().getDescription())
        .isEqualTo("group: at most 256 bytes of UTF-8, got 300");
    assertThat(detail(tooLong, BadRequest.class).getFieldViolations(0).getField())
        .isEqualTo("group");
    StatusRuntimeException control =
        rejected(
            () ->
                api.getBlockingReasons(
                    GetBlockingReasonsRequest.newBuilder().setGroup("lin\u0007ux").build()));
    assertThat(control.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(control.getStatus().getDescription()).startsWith("group: contains a control");
    StatusRuntimeException unknown =
        rejected(
            () ->
                api.getBlockingReasons(
                    GetBlockingReasonsRequest.newBuilder().setGroup("mac").build()));
    assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(
            api.getBlockingReasons(GetBlockingReasonsRequest.getDefaultInstance()).getGroupsList())
        .extracting(io.fleetscaler.proto.v1.GroupBlockingReasons::getGroup)
        .containsExactly("linux", "windows");
  }

  @Test
  void preemptiveReserveWithoutIdleSlotIsResourceExhausted() throws Exception {
    Policy preemptive =
        new Policy(
            List.of(Policy.ALWAYS),
            java.time.ZoneOffset.UTC,
            0,
            Policy.DEFAULT_IDLE_TIME,
            0,
            0,
            true);
    group("linux", 1, 1, preemptive);
    FleetGrpc.FleetBlockingStub api = serve();
    StatusRuntimeException e =
        rejected(() -> api.reserve(ReserveRequest.newBuilder().setKey("job-1").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).startsWith("no slot to reserve in group 'linux'");
    assertThat(detail(e, NoCapacity.class).getSlots().getIdle()).isZero();
  }

  @Test
  void misuseOfAKeyHasItsOwnCodes() throws Exception {
    TaskScaler scaler = group("linux", 2, 2, Policy.of(2));
    bootUntilReady(scaler, 1);
    FleetGrpc.FleetBlockingStub api = serve();

    api.reserve(ReserveRequest.newBuilder().setKey("job-1").build());
    StatusRuntimeException onlyReserved =
        rejected(() -> api.release(ReleaseRequest.newBuilder().setKey("job-1").build()));
    assertThat(onlyReserved.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(onlyReserved.getStatus().getDescription())
        .isEqualTo("key: 'job-1' is only reserved; call Unreserve");
    assertThat(api.unreserve(UnreserveRequest.newBuilder().setKey("job-1").build()).getUnreserved())
        .isTrue();

    api.acquire(acquire("job-2", Duration.ofMinutes(1)));
    StatusRuntimeException twice =
        rejected(() -> api.acquire(acquire("job-2", Duration.ofMinutes(1))));
    assertThat(twice.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(scaler.snapshot().slots().acquired()).isEqualTo(1);
  }

  @Test
  void aCancelledAcquireLeavesNoSlotHeld() throws Exception {
    TaskScaler scaler = group("linux", 1, 1, Policy.of(0));
    FleetGrpc.FleetStub api = FleetGrpc.newStub(channel(null));
    Observed<AcquireResponse> answer = new Observed<>();
    Context.CancellableContext call = Context.current().withCancellation();
    call.run(() -> api.acquire(acquire("job-1", Duration.ofMinutes(5)), answer));
    assertThat(scaler.snapshot().pendingAcquisitions()).isEqualTo(1);

    call.cancel(null);
    assertThat(answer.failure().getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
    bootUntilReady(scaler, 1);
    assertThat(scaler.snapshot().slots().acquired())
        .as("the instance that the cancelled call asked for ends up idle")
        .isZero();
    assertThat(scaler.snapshot().slots().idle()).isEqualTo(1);
  }

  @Test
  void watchSendsTheStatusThenEachChangeAndLostAcquisitions() throws Exception {
    TaskScaler scaler = group("linux", 2, 2, Policy.of(1));
    bootUntilReady(scaler, 1);
    ManagedChannel c = channel(null);
    LinkedBlockingQueue<FleetEvent> events = new LinkedBlockingQueue<>();
    Observed<FleetEvent> watcher = new Observed<>(events);
    FleetGrpc.newStub(c).watchFleet(WatchFleetRequest.getDefaultInstance(), watcher);

    FleetEvent first = events.poll(5, TimeUnit.SECONDS);
    assertThat(first).isNotNull();
    assertThat(first.getStatus().getSlots().getIdle()).isEqualTo(2);

    FleetWatch w = java.util.Objects.requireNonNull(watch);
    w.poll();
    assertThat(events).as("no change, no event").isEmpty();

    FleetGrpc.FleetBlockingStub api = FleetGrpc.newBlockingStub(c);
    AcquireResponse acquired = api.acquire(acquire("job-1", Duration.ofMinutes(1)));
    w.poll();
    FleetEvent changed = events.poll(5, TimeUnit.SECONDS);
    assertThat(changed).isNotNull();
    assertThat(changed.getStatus().getSlots().getAcquired()).isEqualTo(1);

    assertThat(cloud("linux").loseInstance(acquired.getInstanceId())).isTrue();
    scaler.tick();
    FleetEvent lost = events.poll(5, TimeUnit.SECONDS);
    assertThat(lost).isNotNull();
    assertThat(lost.hasAcquisitionLost()).as("event %s", lost).isTrue();
    assertThat(lost.getAcquisitionLost().getKey()).isEqualTo("job-1");
    assertThat(lost.getAcquisitionLost().getInstanceId()).isEqualTo(acquired.getInstanceId());
    assertThat(lost.getAcquisitionLost().getCause()).isNotEmpty();
    assertThat(api.release(ReleaseRequest.newBuilder().setKey("job-1").build()).getReleased())
        .as("a lost slot is not released again")
        .isFalse();

    w.close();
    assertThat(watcher.future.get(5, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void aBearerTokenIsRequiredWhenConfigured() throws Exception {
    group("linux", 1, 1, Policy.of(0));
    java.nio.file.Path file = java.nio.file.Files.createTempFile("api-token", "");
    java.nio.file.Files.writeString(file, "s3cret-token\n");
    ManagedChannel c = channel(BearerToken.fromFile(file));
    FleetGrpc.FleetBlockingStub api = FleetGrpc.newBlockingStub(c);

    StatusRuntimeException none =
        rejected(() -> api.getFleet(GetFleetRequest.getDefaultInstance()));
    assertThat(none.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);

    StatusRuntimeException wrong =
        rejected(
            () ->
                api.withCallCredentials(token("s3cret-tokeN"))
                    .getFleet(GetFleetRequest.getDefaultInstance()));
    assertThat(wrong.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(wrong.getStatus().getDescription()).doesNotContain("s3cret");

    assertThat(
            api.withCallCredentials(token("s3cret-token"))
                .getFleet(GetFleetRequest.getDefaultInstance())
                .getGroupsCount())
        .isEqualTo(1);
  }

  @Test
  void aTokenFileOthersCanReadIsRefused() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("api-token", "");
    java.nio.file.Files.writeString(file, "s3cret-token\n");
    java.nio.file.Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> BearerToken.fromFile(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("token_file: " + file)
        .hasMessageContaining("chmod 600")
        .hasMessageNotContaining("s3cret");
  }

  private static io.grpc.CallCredentials token(String value) {
    return new io.grpc.CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo info, java.util.concurrent.Executor executor, MetadataApplier applier) {
        io.grpc.Metadata m = new io.grpc.Metadata();
        m.put(BearerToken.AUTHORIZATION, "Bearer " + value);
        applier.apply(m);
      }
    };
  }

  /** Collects a call's messages (into {@code queue} when given) and its end. */
  private static final class Observed<T> implements StreamObserver<T> {
    final CompletableFuture<@Nullable T> future = new CompletableFuture<>();
    private final @Nullable LinkedBlockingQueue<T> queue;
    private @Nullable T last;

    Observed() {
      this(null);
    }

    Observed(@Nullable LinkedBlockingQueue<T> queue) {
      this.queue = queue;
    }

    @Override
    public void onNext(T value) {
      last = value;
      if (queue != null) {
        queue.add(value);
      }
    }

    @Override
    public void onError(Throwable t) {
      future.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      future.complete(queue == null ? last : null);
    }

    StatusRuntimeException failure() throws Exception {
      try {
        future.get(5, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(StatusRuntimeException.class);
        return (StatusRuntimeException) java.util.Objects.requireNonNull(e.getCause());
      }
      throw new AssertionError("the call succeeded");
    }
  }
}
