package io.fleetscaler.plugin.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.sdk.fixture.MemoryInstanceGroup;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fence against a host paused between its last check and its call leaving the process: a plugin
 * whose monotonic clock has another origin than the host's (as another JVM's may), a pause
 * simulated by an interceptor between the host's fence and the transport that holds the call until
 * the plugin's clock has passed the window's end (no sleep of a guessed length: it waits for the
 * condition itself, so the outcome is the same under any load).
 */
class ArrivalFenceTest {
  private static final Duration CALL_TIMEOUT = Duration.ofMinutes(1);
  private static final long WAIT_BOUND_NANOS = Duration.ofSeconds(30).toNanos();

  private final AtomicInteger updates = new AtomicInteger();
  private @Nullable Server server;
  private @Nullable ManagedChannel channel;
  private @Nullable Channel calls;

  @AfterEach
  void close() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1_000_000_000_000L, -1_000_000_000_000L, 0})
  void aCallInAnOpenWindowIsServedWhateverThePluginClockOrigin(long pluginOrigin)
      throws IOException {
    RemoteInstanceGroup group = connect(pluginOrigin, true, false);
    calibrate();

    assertThat(group.within(() -> Duration.ofMinutes(1).toNanos()).update()).isEmpty();
    assertThat(updates).hasValue(1);
  }

  @ParameterizedTest
  @ValueSource(longs = {1_000_000_000_000L, -1_000_000_000_000L, 0})
  void aCallThatArrivesAfterItsWindowClosedIsRefusedBeforeThePluginActs(long pluginOrigin)
      throws IOException {
    RemoteInstanceGroup group = connect(pluginOrigin, true, true);
    calibrate();

    // Passes the host's check (200 ms left), then is held until the plugin's clock has passed the
    // window's end: a host stopped after sending.
    RemoteInstanceGroup bounded = group.within(() -> Duration.ofMillis(200).toNanos());
    assertThatThrownBy(bounded::update)
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("arrived after the host's right to call could have ended");
    assertThat(updates).as("calls the plugin acted on").hasValue(0);
  }

  @Test
  void aClosedWindowSendsNothing() throws IOException {
    RemoteInstanceGroup group = connect(0, true, false);
    calibrate();

    assertThatThrownBy(() -> group.within(() -> 0).update())
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("not sent");
    assertThat(updates).hasValue(0);
  }

  @Test
  void aPluginThatDoesNotReportItsClockIsStillCalledWithoutTheHeader() throws IOException {
    // A plugin not built on this SDK (a Go plugin, say): no clock in its answers, so the host
    // cannot say when the window ends in its clock; calls go as before.
    RemoteInstanceGroup group = connect(0, false, true);
    calibrate();

    assertThat(group.within(() -> Duration.ofMillis(200).toNanos()).update()).isEmpty();
    assertThat(updates).hasValue(1);
  }

  @Test
  void theHostKeepsTheTightestLowerBoundOfThePluginClock() {
    var host = new ArrivalFence.Host("p", () -> 0);
    assertThat(host.calibrated()).isFalse();

    host.sample(1_000, 900); // plugin clock read before host time 900: offset >= 100
    host.sample(1_050, 1_000); // offset >= 50: looser, ignored
    assertThat(host.toPlugin(5_000)).isEqualTo(5_100);
    host.sample(2_000, 1_850); // offset >= 150
    assertThat(host.calibrated()).isTrue();
    assertThat(host.toPlugin(5_000)).isEqualTo(5_150);
  }

  @Test
  void theWholeClientBoundsItsCallsByItsWindow() {
    var group = new MemoryInstanceGroup();
    try (PluginClient client = PluginClient.inProcess(group, "memory")) {
      var unused = client.init(InProcessPluginClientTest.SETTINGS, "{}");
      client.actWithin(() -> Duration.ofMinutes(1).toNanos());
      assertThat(client.increase(1)).isEqualTo(1);
      client.actWithin(() -> -1);
      assertThatThrownBy(() -> client.increase(1))
          .isInstanceOf(ProviderException.Unavailable.class)
          .hasMessageContaining("not sent");
      client.actWithin(CallWindow.unbounded());
      assertThat(client.update()).hasSize(1);
    }
  }

  private RemoteInstanceGroup connect(long pluginOrigin, boolean fenced, boolean pause)
      throws IOException {
    LongSupplier pluginClock = () -> System.nanoTime() + pluginOrigin;
    String name = InProcessServerBuilder.generateName();
    var health = new HealthStatusManager();
    health.setStatus(PluginServices.HEALTH_SERVICE, ServingStatus.SERVING);
    var builder = InProcessServerBuilder.forName(name);
    if (fenced) {
      builder.intercept(ArrivalFence.plugin(pluginClock));
    }
    server =
        builder
            .addService(new InstanceGroupService(new CountingGroup(), System.getLogger("plugin.t")))
            .addService(health.getHealthService())
            .build()
            .start();
    ManagedChannel managed = InProcessChannelBuilder.forName(name).build();
    channel = managed;
    Channel transport =
        pause
            ? ClientInterceptors.intercept(managed, new PauseUntilWindowEnds(pluginClock))
            : managed;
    Channel fencedChannel =
        ClientInterceptors.intercept(transport, new ArrivalFence.Host("test", System::nanoTime));
    calls = fencedChannel;
    var group = new RemoteInstanceGroup(fencedChannel, "test", CALL_TIMEOUT);
    var unused = group.init(InProcessPluginClientTest.SETTINGS, "{}");
    return group;
  }

  private void calibrate() {
    assertThat(
            HealthGrpc.newBlockingStub(Objects.requireNonNull(calls))
                .check(
                    HealthCheckRequest.newBuilder()
                        .setService(PluginServices.HEALTH_SERVICE)
                        .build())
                .getStatus())
        .isEqualTo(ServingStatus.SERVING);
  }

  /**
   * Holds a call that carries a window's end until the plugin's clock has passed it, as a host
   * stopped between its check and the write would; a call without one goes at once.
   */
  private static final class PauseUntilWindowEnds implements ClientInterceptor {
    private final LongSupplier pluginClock;

    PauseUntilWindowEnds(LongSupplier pluginClock) {
      this.pluginClock = pluginClock;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          @Nullable String actBy = headers.get(ArrivalFence.ACT_BY);
          if (actBy != null) {
            long until = Long.parseLong(actBy);
            long bound = System.nanoTime() + WAIT_BOUND_NANOS;
            while (pluginClock.getAsLong() - until <= 0) {
              if (System.nanoTime() - bound > 0) {
                throw new AssertionError("the plugin clock never passed " + until);
              }
              Thread.onSpinWait();
              try {
                Thread.sleep(1);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
              }
            }
          }
          super.start(listener, headers);
        }
      };
    }
  }

  /** The memory cloud, counting the {@code update}s it acted on. */
  private final class CountingGroup implements InstanceGroup {
    private final MemoryInstanceGroup memory = new MemoryInstanceGroup();

    @Override
    public ProviderInfo init(Settings settings, String pluginConfigJson) {
      return memory.init(settings, pluginConfigJson);
    }

    @Override
    public List<InstanceStatus> update() {
      updates.incrementAndGet();
      return memory.update();
    }

    @Override
    public int increase(int delta) {
      return memory.increase(delta);
    }

    @Override
    public List<String> decrease(List<String> ids) {
      return memory.decrease(ids);
    }

    @Override
    public ConnectInfo connectInfo(String id) {
      return memory.connectInfo(id);
    }

    @Override
    public void heartbeat(String id) {
      memory.heartbeat(id);
    }

    @Override
    public void shutdown() {
      memory.shutdown();
    }

    @Override
    public List<String> suspend(List<String> ids) {
      return memory.suspend(ids);
    }

    @Override
    public List<String> resume(List<String> ids) {
      return memory.resume(ids);
    }
  }
}
