package io.fleetscaler.plugin.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.sdk.fixture.MemoryInstanceGroup;
import io.fleetscaler.proto.plugin.v1.ConnectInfoRequest;
import io.fleetscaler.proto.plugin.v1.DecreaseRequest;
import io.fleetscaler.proto.plugin.v1.HeartbeatRequest;
import io.fleetscaler.proto.plugin.v1.IncreaseRequest;
import io.fleetscaler.proto.plugin.v1.InstanceGroupGrpc;
import io.fleetscaler.proto.plugin.v1.ResumeRequest;
import io.fleetscaler.proto.plugin.v1.ShutdownRequest;
import io.fleetscaler.proto.plugin.v1.SuspendRequest;
import io.fleetscaler.proto.plugin.v1.UpdateRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every InstanceGroup method but Init answers FAILED_PRECONDITION with a plain message until an
 * Init has succeeded; the group itself is not reached, and nothing is logged as a plugin bug.
 */
class BeforeInitTest {
  /** Each method as a raw call, as a host in another language makes it. */
  private static Map<String, Consumer<InstanceGroupGrpc.InstanceGroupBlockingStub>> methods() {
    var calls = new LinkedHashMap<String, Consumer<InstanceGroupGrpc.InstanceGroupBlockingStub>>();
    calls.put("Update", s -> s.update(UpdateRequest.getDefaultInstance()));
    calls.put("Increase", s -> s.increase(IncreaseRequest.newBuilder().setDelta(1).build()));
    calls.put("Decrease", s -> s.decrease(DecreaseRequest.newBuilder().addIds("i-1").build()));
    calls.put(
        "ConnectInfo", s -> s.connectInfo(ConnectInfoRequest.newBuilder().setId("i-1").build()));
    calls.put("Heartbeat", s -> s.heartbeat(HeartbeatRequest.newBuilder().setId("i-1").build()));
    calls.put("Suspend", s -> s.suspend(SuspendRequest.newBuilder().addIds("i-1").build()));
    calls.put("Resume", s -> s.resume(ResumeRequest.newBuilder().addIds("i-1").build()));
    calls.put("Shutdown", s -> s.shutdown(ShutdownRequest.getDefaultInstance()));
    return calls;
  }

  @Test
  void everyMethodOnTheWireAnswersFailedPreconditionNamingInit() throws Exception {
    var group = new CountingGroup();
    String name = InProcessServerBuilder.generateName();
    try (var logs = new CapturedLogs("plugin.raw")) {
      Server server =
          new PluginServices()
              .register(
                  InProcessServerBuilder.forName(name),
                  group,
                  System.getLogger("plugin.raw"),
                  () -> {})
              .build()
              .start();
      ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
      try {
        var stub =
            InstanceGroupGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        methods()
            .forEach(
                (method, call) ->
                    assertThatThrownBy(() -> call.accept(stub))
                        .as(method)
                        .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> {
                              assertThat(e.getStatus().getCode())
                                  .isEqualTo(Status.Code.FAILED_PRECONDITION);
                              assertThat(e.getStatus().getDescription())
                                  .isEqualTo(
                                      method
                                          + " called before the plugin was initialised: call Init"
                                          + " (with a configuration it accepts) first");
                            }));
      } finally {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
      assertThat(group.calls).isZero();
      assertThat(logs.messages()).isEmpty();
    }
  }

  @Test
  void aFailedInitLeavesTheGroupUninitialisedAndASuccessfulOneOpensIt() {
    try (var logs = new CapturedLogs("plugin.memory");
        PluginClient client = PluginClient.inProcess(new MemoryInstanceGroup(), "memory")) {
      assertThatThrownBy(client::update)
          .isExactlyInstanceOf(ProviderException.Unhealthy.class)
          .hasMessage(
              "plugin memory Update: Update called before the plugin was initialised: call Init"
                  + " (with a configuration it accepts) first");
      assertThatThrownBy(() -> client.init(InProcessPluginClientTest.SETTINGS, "{\"invalid\":1}"))
          .isInstanceOf(ProviderException.InvalidConfig.class);
      assertThatThrownBy(() -> client.increase(1))
          .isExactlyInstanceOf(ProviderException.Unhealthy.class)
          .hasMessageContaining("Increase called before the plugin was initialised");

      client.init(InProcessPluginClientTest.SETTINGS, "{}");

      assertThat(client.increase(1)).isEqualTo(1);
      assertThat(client.update()).hasSize(1);
      assertThat(logs.messages()).noneMatch(m -> m.contains("failed unexpectedly"));
    }
  }

  /** Counts every call that reaches it; its methods would throw before init, as plugins' do. */
  private static final class CountingGroup implements InstanceGroup {
    int calls;

    private IllegalStateException reached() {
      calls++;
      return new IllegalStateException("used before init");
    }

    @Override
    public io.fleetscaler.plugin.api.ProviderInfo init(
        io.fleetscaler.plugin.api.Settings settings, String pluginConfigJson) {
      throw reached();
    }

    @Override
    public List<io.fleetscaler.plugin.api.InstanceStatus> update() {
      throw reached();
    }

    @Override
    public int increase(int delta) {
      throw reached();
    }

    @Override
    public List<String> decrease(List<String> ids) {
      throw reached();
    }

    @Override
    public io.fleetscaler.plugin.api.ConnectInfo connectInfo(String id) {
      throw reached();
    }

    @Override
    public void heartbeat(String id) {
      throw reached();
    }

    @Override
    public void shutdown() {
      throw reached();
    }

    @Override
    public List<String> suspend(List<String> ids) {
      throw reached();
    }

    @Override
    public List<String> resume(List<String> ids) {
      throw reached();
    }
  }
}
