package io.fleetscaler.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.Acquisition;
import io.fleetscaler.core.scaler.ReserveResult;
import io.fleetscaler.core.scaler.ScalerSnapshot;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.core.scaler.WaitReasons;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.proto.v1.AcquireRequest;
import io.fleetscaler.proto.v1.AcquireResponse;
import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.ReleaseRequest;
import io.fleetscaler.proto.v1.ReserveRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One Acquire answer costs the plugin exactly one {@code ConnectInfo} call, counted inside the
 * plugin behind the wire (as the daemon runs a built-in plugin in process): for an idle slot, for a
 * reserved one, for one that had to wait for a new instance, with state storage (which remembers
 * the answer) and with acquire heartbeats (which call {@code Heartbeat}, not {@code ConnectInfo}).
 * A plugin such as AWS's pushes a fresh SSH key on every {@code ConnectInfo}: a second call would
 * cost a second push and a second key.
 */
class AcquireConnectInfoCallsTest {
  private static final Duration BOOT = Duration.ofSeconds(10);

  private final ManualClock clock = new ManualClock();
  private final CountingPlugin plugin = new CountingPlugin(new SimulatedInstanceGroup(clock));
  private final ExecutorService blockingWork = Executors.newVirtualThreadPerTaskExecutor();
  private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @TempDir Path stateDir;

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
    blockingWork.shutdownNow();
    callers.shutdownNow();
  }

  @Test
  void eachAcquireAnswerMakesExactlyOneConnectInfoCall() throws Exception {
    PluginClient wire = PluginClient.inProcess(plugin, "counted");
    closing.add(wire);
    TaskScaler built =
        TaskScaler.builder(wire)
            .plugin(Settings.defaults(), "{\"create_latency\":\"" + BOOT.toSeconds() + "s\"}")
            .maxInstances(4)
            .policies(List.of(Policy.of(1).withPreemptiveMode(false)))
            .stateStorage(stateDir)
            .acquireHeartbeat(true)
            .connectorExecutor(Runnable::run)
            .clock(clock)
            .randomSeed(3)
            .manualTicks()
            .build();
    closing.add(built::shutdown);
    Signalling scaler = new Signalling(built, "waiting");
    tickUntilReady(scaler, 1);
    FleetGrpc.FleetBlockingStub api = FleetGrpc.newBlockingStub(serve(scaler));

    // An idle ready slot.
    AcquireResponse idle = api.acquire(acquire("idle"));
    assertThat(idle.getConnectInfo().getInstanceId()).isEqualTo(idle.getInstanceId());
    assertThat(plugin.connectInfoCalls(idle.getInstanceId())).isOne();
    assertThat(plugin.heartbeats.get()).as("the acquire heartbeat ran").isOne();

    // A reservation, then its acquisition: still one call, made for the answer.
    api.reserve(ReserveRequest.newBuilder().setKey("reserved").build());
    tickUntilReady(scaler, 2);
    AcquireResponse reserved = api.acquire(acquire("reserved"));
    assertThat(plugin.connectInfoCalls(reserved.getInstanceId())).isOne();

    // An acquisition that waits for an instance to be created and readied.
    Future<AcquireResponse> waiting = callers.submit(() -> api.acquire(acquire("waiting")));
    // The call (on its own thread) has reached the scaler once its acquire returned: served, or
    // waiting for the instance (no poll, no sleep).
    assertThat(scaler.reached.await(60, TimeUnit.SECONDS))
        .as("acquire reached the scaler")
        .isTrue();
    for (int i = 0; i < 20 && scaler.snapshot().pendingAcquisitions() > 0; i++) {
      clock.advance(BOOT);
      scaler.tick();
    }
    AcquireResponse waited = waiting.get(60, TimeUnit.SECONDS);
    assertThat(plugin.connectInfoCalls(waited.getInstanceId())).isOne();

    assertThat(plugin.total.get()).as("one per answer, three answers").isEqualTo(3);

    // Released and acquired again on the same instance: one more call for the new answer.
    api.release(ReleaseRequest.newBuilder().setKey("idle").build());
    AcquireResponse again = api.acquire(acquire("again"));
    assertThat(plugin.total.get()).isEqualTo(4);
    assertThat(again.getConnectInfo().getInstanceId()).isEqualTo(again.getInstanceId());
  }

  private void tickUntilReady(TaskScaler scaler, int ready) {
    for (int i = 0; i < 20 && ready(scaler) < ready; i++) {
      scaler.tick();
      clock.advance(BOOT);
      scaler.tick();
    }
    assertThat(ready(scaler)).as("ready instances").isGreaterThanOrEqualTo(ready);
  }

  private static int ready(TaskScaler scaler) {
    return scaler.snapshot().instancesByState().getOrDefault("ready", 0);
  }

  private ManagedChannel serve(TaskScaler scaler) throws Exception {
    Map<String, TaskScaler> scalers = Map.of("linux", scaler);
    String name = InProcessServerBuilder.generateName();
    FleetWatch watch = new FleetWatch(scalers);
    FleetService service = new FleetService(scalers, Map.of(), watch, blockingWork);
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

  /** The scaler as the API sees it, counting down once {@code key}'s acquire has returned. */
  private static final class Signalling implements TaskScaler {
    private final TaskScaler scaler;
    private final String key;
    final CountDownLatch reached = new CountDownLatch(1);

    Signalling(TaskScaler scaler, String key) {
      this.scaler = scaler;
      this.key = key;
    }

    @Override
    public ReserveResult reserve(String k) {
      return scaler.reserve(k);
    }

    @Override
    public boolean unreserve(String k) {
      return scaler.unreserve(k);
    }

    @Override
    public CompletableFuture<Acquisition> acquire(String k, Duration timeout) {
      CompletableFuture<Acquisition> future = scaler.acquire(k, timeout);
      if (k.equals(key)) {
        reached.countDown();
      }
      return future;
    }

    @Override
    public boolean release(String k) {
      return scaler.release(k);
    }

    @Override
    public void configure(List<Policy> policies) {
      scaler.configure(policies);
    }

    @Override
    public ScalerSnapshot snapshot() {
      return scaler.snapshot();
    }

    @Override
    public WaitReasons waitReasons() {
      return scaler.waitReasons();
    }

    @Override
    public MeterBinder metrics() {
      return scaler.metrics();
    }

    @Override
    public void tick() {
      scaler.tick();
    }

    @Override
    public Instant nextTickAt() {
      return scaler.nextTickAt();
    }

    @Override
    public Instant lastSuccessfulUpdate() {
      return scaler.lastSuccessfulUpdate();
    }

    @Override
    public void shutdown() {
      scaler.shutdown();
    }
  }

  private static AcquireRequest acquire(String key) {
    return AcquireRequest.newBuilder()
        .setKey(key)
        .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(3600))
        .build();
  }

  /** The simulated cloud, counting the ConnectInfo calls that reach it, per instance. */
  private static final class CountingPlugin implements InstanceGroup {
    private final InstanceGroup cloud;
    private final Map<String, AtomicInteger> connectInfo = new ConcurrentHashMap<>();
    final AtomicInteger total = new AtomicInteger();
    final AtomicInteger heartbeats = new AtomicInteger();

    CountingPlugin(InstanceGroup cloud) {
      this.cloud = cloud;
    }

    int connectInfoCalls(String id) {
      AtomicInteger n = connectInfo.get(id);
      return n == null ? 0 : n.get();
    }

    @Override
    public ProviderInfo init(Settings settings, String pluginConfigJson) {
      return cloud.init(settings, pluginConfigJson);
    }

    @Override
    public List<InstanceStatus> update() {
      return cloud.update();
    }

    @Override
    public int increase(int delta) {
      return cloud.increase(delta);
    }

    @Override
    public List<String> decrease(List<String> ids) {
      return cloud.decrease(ids);
    }

    @Override
    public ConnectInfo connectInfo(String id) {
      total.incrementAndGet();
      connectInfo.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
      return cloud.connectInfo(id);
    }

    @Override
    public void heartbeat(String id) {
      heartbeats.incrementAndGet();
      cloud.heartbeat(id);
    }

    @Override
    public void shutdown() {
      cloud.shutdown();
    }
  }
}
