package io.fleetscaler.plugin.sdk;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.proto.plugin.v1.ConnectInfoRequest;
import io.fleetscaler.proto.plugin.v1.DecreaseRequest;
import io.fleetscaler.proto.plugin.v1.HeartbeatRequest;
import io.fleetscaler.proto.plugin.v1.IncreaseRequest;
import io.fleetscaler.proto.plugin.v1.InitRequest;
import io.fleetscaler.proto.plugin.v1.InstanceGroupGrpc;
import io.fleetscaler.proto.plugin.v1.ResumeRequest;
import io.fleetscaler.proto.plugin.v1.ShutdownRequest;
import io.fleetscaler.proto.plugin.v1.SuspendRequest;
import io.fleetscaler.proto.plugin.v1.UpdateRequest;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The host-side adapter: an {@link InstanceGroup} whose calls go to a plugin over a gRPC channel,
 * each with a deadline and, {@link #within} a {@link CallWindow}, only while the window is open: a
 * call is not sent once it is closed (it fails {@link ProviderException.Unavailable} at once), and
 * carries the window to the plugin, which refuses it on arrival if it closed meanwhile ({@link
 * ArrivalFence}). Failed calls throw the {@link ProviderException} kind of their status code; an
 * answer the API cannot represent (an unknown state, say) is {@link ProviderException.Unavailable}.
 * Thread-safe.
 */
final class RemoteInstanceGroup implements InstanceGroup {
  private final InstanceGroupGrpc.InstanceGroupBlockingStub stub;
  private final String plugin;
  private final Duration callTimeout;
  private final CallWindow window;

  RemoteInstanceGroup(Channel channel, String plugin, Duration callTimeout) {
    this(InstanceGroupGrpc.newBlockingStub(channel), plugin, callTimeout, CallWindow.unbounded());
  }

  private RemoteInstanceGroup(
      InstanceGroupGrpc.InstanceGroupBlockingStub stub,
      String plugin,
      Duration callTimeout,
      CallWindow window) {
    this.stub = stub;
    this.plugin = plugin;
    this.callTimeout = callTimeout;
    this.window = window;
  }

  /** This group with every call bounded by {@code window} (replacing any window it had). */
  RemoteInstanceGroup within(CallWindow window) {
    return new RemoteInstanceGroup(
        stub.withOption(ArrivalFence.WINDOW, window), plugin, callTimeout, window);
  }

  private InstanceGroupGrpc.InstanceGroupBlockingStub stub() {
    return stub.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private <T> T call(String method, Supplier<T> call) {
    if (window.remainingNanos() <= 0) {
      throw new ProviderException.Unavailable(
          "plugin "
              + plugin
              + " "
              + method
              + " not sent: the host's call window is closed (its lease may have ended)");
    }
    try {
      return call.get();
    } catch (StatusRuntimeException e) {
      throw ProviderStatus.fromStatus(e, plugin, method);
    } catch (IllegalArgumentException e) {
      throw new ProviderException.Unavailable(
          "plugin " + plugin + " " + method + " answered something unreadable: " + e.getMessage(),
          e);
    }
  }

  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    return call(
        "Init",
        () ->
            ProtoMapping.fromProto(
                stub()
                    .init(
                        InitRequest.newBuilder()
                            .setSettings(ProtoMapping.toProto(settings))
                            .setPluginConfigJson(pluginConfigJson)
                            .build())
                    .getInfo()));
  }

  @Override
  public List<InstanceStatus> update() {
    return call(
        "Update",
        () ->
            ProtoMapping.fromProto(
                stub().update(UpdateRequest.getDefaultInstance()).getInstancesList()));
  }

  @Override
  public int increase(int delta) {
    return call(
        "Increase",
        () -> stub().increase(IncreaseRequest.newBuilder().setDelta(delta).build()).getRequested());
  }

  @Override
  public List<String> decrease(List<String> ids) {
    return call(
        "Decrease",
        () ->
            List.copyOf(
                stub().decrease(DecreaseRequest.newBuilder().addAllIds(ids).build()).getIdsList()));
  }

  @Override
  public ConnectInfo connectInfo(String id) {
    return call(
        "ConnectInfo",
        () ->
            ProtoMapping.fromProto(
                stub().connectInfo(ConnectInfoRequest.newBuilder().setId(id).build()).getInfo()));
  }

  @Override
  public void heartbeat(String id) {
    call("Heartbeat", () -> stub().heartbeat(HeartbeatRequest.newBuilder().setId(id).build()));
  }

  @Override
  public void shutdown() {
    call("Shutdown", () -> stub().shutdown(ShutdownRequest.getDefaultInstance()));
  }

  @Override
  public List<String> suspend(List<String> ids) {
    return call(
        "Suspend",
        () ->
            List.copyOf(
                stub().suspend(SuspendRequest.newBuilder().addAllIds(ids).build()).getIdsList()));
  }

  @Override
  public List<String> resume(List<String> ids) {
    return call(
        "Resume",
        () ->
            List.copyOf(
                stub().resume(ResumeRequest.newBuilder().addAllIds(ids).build()).getIdsList()));
  }

  @Override
  public String toString() {
    return "RemoteInstanceGroup[" + plugin + "]";
  }
}
