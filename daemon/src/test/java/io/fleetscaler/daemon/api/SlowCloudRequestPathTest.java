package io.fleetscaler.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.ReserveResult;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.daemon.http.DaemonMeters;
import io.fleetscaler.daemon.http.HttpEndpoints;
import io.fleetscaler.daemon.http.Readiness;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.proto.v1.AcquireRequest;
import io.fleetscaler.proto.v1.AcquireResponse;
import io.fleetscaler.proto.v1.FleetEvent;
import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.GetFleetRequest;
import io.fleetscaler.proto.v1.GroupStatus;
import io.fleetscaler.proto.v1.ReleaseRequest;
import io.fleetscaler.proto.v1.ReserveRequest;
import io.fleetscaler.proto.v1.ReserveResponse;
import io.fleetscaler.proto.v1.UnreserveRequest;
import io.fleetscaler.proto.v1.WatchFleetRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The request path while the cloud is stuck: a plugin whose update, increase, decrease and
 * heartbeat calls block until the test lets them go. With one such call held inside a provisioner
 * step (which holds the scaler's control lock across it), every request that needs no cloud must
 * complete: {@code /healthz}, {@code /metrics}, {@code /readyz}, GetFleet, WatchFleet, Reserve,
 * Acquire of an idle slot, Release, Unreserve, and an Acquire that must wait must at least return
 * its future. Each probe runs on its own thread and gets a generous bound; the assertion is on
 * completion before the held call is released, never on a duration.
 *
 * <p>{@code ConnectInfo} is not held: it is the Acquire answer's own plugin call (the contract of
 * {@code Acquisition.connectInfo()} asks the plugin every time), made on the API's blocking pool,
 * and it never waits behind another call.
 */
class SlowCloudRequestPathTest {
  private static final Duration BOOT = Duration.ofSeconds(10);
  private static final long BOUND_SECONDS = 60;

  private final ManualClock clock = new ManualClock();
  private final GatedCloud cloud = new GatedCloud(new SimulatedInstanceGroup(clock));
  private final PrometheusMeterRegistry registry = DaemonMeters.registry();
  private final ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();
  private final ExecutorService blockingWork = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    cloud.open();
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
    probes.shutdownNow();
    blockingWork.shutdownNow();
    http.close();
  }

  @Test
  void requestsThatNeedNoCloudCompleteWhileAPluginCallIsHeld() throws Exception {
    TaskScaler scaler =
        TaskScaler.builder(cloud)
            .plugin(Settings.defaults(), "{\"create_latency\":\"" + BOOT.toSeconds() + "s\"}")
            .maxInstances(3)
            .capacityPerInstance(2)
            .policies(List.of(Policy.of(1).withPreemptiveMode(false)))
            .clock(clock)
            .randomSeed(1)
            // The real loop, not manual ticks: a plan an acquisition asks for runs on its thread.
            // It ticks at start and then only when nudged, as the intervals are long.
            .updateInterval(Duration.ofHours(1))
            .updateIntervalWhenExpecting(Duration.ofHours(1))
            .meterRegistry(registry)
            .build();
    closing.add(scaler::shutdown);
    for (int i = 0; i < 10 && ready(scaler) < 1; i++) {
      scaler.tick();
      clock.advance(BOOT);
      scaler.tick();
    }
    assertThat(ready(scaler)).as("ready instances").isEqualTo(1);

    HttpEndpoints endpoints =
        HttpEndpoints.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            registry::scrape,
            () -> new Readiness(true, "serving"));
    closing.add(endpoints);
    FleetGrpc.FleetBlockingStub api = FleetGrpc.newBlockingStub(serve(Map.of("linux", scaler)));
    // Warm the in-process transport so that the probes below measure nothing of its start.
    assertThat(api.getFleet(GetFleetRequest.getDefaultInstance()).getGroupsCount()).isEqualTo(1);

    // A provisioner step whose update never comes back until the test says so.
    cloud.close();
    Future<?> step = probes.submit(scaler::tick);
    assertThat(cloud.awaitHeldCall()).as("the step's update reached the plugin").isTrue();

    String metrics = probe("/metrics", () -> get(endpoints, "/metrics"));
    assertThat(metrics).contains("fleeting_taskscaler_tasks{state=\"idle\"} 2.0");
    assertThat(metrics).contains("fleetscaler_policy_idle_target");
    assertThat(probe("/healthz", () -> get(endpoints, "/healthz"))).isEqualTo("ok\n");
    assertThat(probe("/readyz", () -> get(endpoints, "/readyz"))).isEqualTo("serving\n");

    GroupStatus fleet =
        probe("GetFleet", () -> api.getFleet(GetFleetRequest.getDefaultInstance())).getGroups(0);
    assertThat(fleet.getSlots().getIdle()).isEqualTo(2);
    FleetEvent first = probe("WatchFleet", () -> firstWatchEvent(scaler));
    assertThat(first.hasStatus()).isTrue();

    ReserveResponse reserved =
        probe("Reserve", () -> api.reserve(ReserveRequest.newBuilder().setKey("r1").build()));
    assertThat(reserved.getOutcome()).isEqualTo(ReserveResponse.Outcome.RESERVED);
    AcquireResponse acquired =
        probe("Acquire of an idle slot", () -> api.acquire(acquire("a1", Duration.ofHours(1))));
    assertThat(acquired.getInstanceId()).isNotEmpty();
    assertThat(
            probe("Release", () -> api.release(ReleaseRequest.newBuilder().setKey("a1").build()))
                .getReleased())
        .isTrue();
    assertThat(
            probe(
                    "Unreserve",
                    () -> api.unreserve(UnreserveRequest.newBuilder().setKey("r1").build()))
                .getUnreserved())
        .isTrue();

    // Demand beyond the ready slots: the calls return at once, the acquisitions wait for capacity
    // (a reservation of a pending slot is accepted without a slot).
    CompletableFuture<?> waiting1 =
        probe("acquire that must wait", () -> scaler.acquire("w1", Duration.ofHours(1)));
    CompletableFuture<?> waiting2 =
        probe("second acquire that must wait", () -> scaler.acquire("w2", Duration.ofHours(1)));
    CompletableFuture<?> waiting3 =
        probe("third acquire that must wait", () -> scaler.acquire("w3", Duration.ofHours(1)));
    assertThat(List.of(waiting1, waiting2, waiting3)).filteredOn(f -> !f.isDone()).hasSize(1);
    assertThat(probe("Reserve beyond", () -> scaler.reserve("p1")))
        .isEqualTo(ReserveResult.ACCEPTED_PENDING);
    assertThat(probe("snapshot", scaler::snapshot).pendingAcquisitions()).isEqualTo(1);
    assertThat(probe("Unreserve pending", () -> scaler.unreserve("p1"))).isTrue();

    assertThat(step).as("the provisioner step is still inside the held call").isNotDone();
    assertThat(cloud.held()).as("calls held in the plugin").isEqualTo(1);

    cloud.open();
    step.get(BOUND_SECONDS, TimeUnit.SECONDS);
    assertThat(probe("snapshot after", scaler::snapshot).pendingAcquisitions()).isEqualTo(1);
  }

  private <T> T probe(String what, Callable<T> call) throws Exception {
    Future<T> f = probes.submit(call);
    try {
      return f.get(BOUND_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new AssertionError(what + " did not complete while a plugin call was held", e);
    }
  }

  private String get(HttpEndpoints endpoints, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + endpoints.address().getPort() + path);
    HttpResponse<String> r =
        http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.body();
  }

  private FleetEvent firstWatchEvent(TaskScaler scaler) throws Exception {
    CompletableFuture<FleetEvent> first = new CompletableFuture<>();
    FleetGrpc.newStub(serve(Map.of("linux", scaler)))
        .watchFleet(
            WatchFleetRequest.getDefaultInstance(),
            new StreamObserver<>() {
              @Override
              public void onNext(FleetEvent value) {
                first.complete(value);
              }

              @Override
              public void onError(Throwable t) {
                first.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                first.completeExceptionally(new IllegalStateException("watch ended"));
              }
            });
    return first.get(BOUND_SECONDS, TimeUnit.SECONDS);
  }

  private ManagedChannel serve(Map<String, TaskScaler> scalers) throws Exception {
    String name = InProcessServerBuilder.generateName();
    FleetWatch watch = new FleetWatch(scalers);
    FleetService service = new FleetService(scalers, Map.of(), watch, blockingWork);
    // As the daemon does: calls run on the transport's threads, with no hand-off.
    Server server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(service.bindService())
            .build()
            .start();
    closing.add(() -> server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    closing.add(watch::close);
    ManagedChannel c = InProcessChannelBuilder.forName(name).directExecutor().build();
    closing.add(() -> c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return c;
  }

  private static AcquireRequest acquire(String key, Duration timeout) {
    return AcquireRequest.newBuilder()
        .setKey(key)
        .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(timeout.toSeconds()))
        .build();
  }

  private static int ready(TaskScaler scaler) {
    return scaler.snapshot().instancesByState().getOrDefault("ready", 0);
  }

  /**
   * The cloud with a gate in front of every call the provisioner makes: while closed, a call waits
   * in the plugin until {@link #open()}.
   */
  private static final class GatedCloud implements InstanceGroup {
    private final InstanceGroup cloud;
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final Semaphore entered = new Semaphore(0);
    private final AtomicInteger held = new AtomicInteger();

    GatedCloud(InstanceGroup cloud) {
      this.cloud = cloud;
    }

    void close() {
      gate = new CountDownLatch(1);
    }

    void open() {
      gate.countDown();
    }

    boolean awaitHeldCall() throws InterruptedException {
      return entered.tryAcquire(BOUND_SECONDS, TimeUnit.SECONDS);
    }

    int held() {
      return held.get();
    }

    private void pass() {
      CountDownLatch g = gate;
      if (g.getCount() == 0) {
        return;
      }
      held.incrementAndGet();
      entered.release();
      try {
        g.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while held", e);
      } finally {
        held.decrementAndGet();
      }
    }

    @Override
    public ProviderInfo init(Settings settings, String pluginConfigJson) {
      return cloud.init(settings, pluginConfigJson);
    }

    @Override
    public List<InstanceStatus> update() {
      pass();
      return cloud.update();
    }

    @Override
    public int increase(int delta) {
      pass();
      return cloud.increase(delta);
    }

    @Override
    public List<String> decrease(List<String> ids) {
      pass();
      return cloud.decrease(ids);
    }

    @Override
    public ConnectInfo connectInfo(String id) {
      return cloud.connectInfo(id);
    }

    @Override
    public void heartbeat(String id) {
      pass();
      cloud.heartbeat(id);
    }

    @Override
    public void shutdown() {
      cloud.shutdown();
    }
  }
}
