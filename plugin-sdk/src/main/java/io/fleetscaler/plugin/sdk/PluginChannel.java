package io.fleetscaler.plugin.sdk;

import com.google.protobuf.Empty;
import io.fleetscaler.proto.goplugin.GRPCControllerGrpc;
import io.fleetscaler.proto.goplugin.GRPCStdioGrpc;
import io.fleetscaler.proto.goplugin.StdioData;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The host's end of one connection to a plugin, whatever the transport: the instance group plus
 * go-plugin's health check, controller and stdio. Thread-safe.
 */
final class PluginChannel {
  private final ManagedChannel managed;
  // Every call goes through the fence's host side, the health check first: it calibrates it.
  private final Channel channel;
  private final String plugin;
  private final RemoteInstanceGroup group;

  PluginChannel(ManagedChannel channel, String plugin, Duration callTimeout) {
    this.managed = channel;
    this.channel =
        ClientInterceptors.intercept(channel, new ArrivalFence.Host(plugin, System::nanoTime));
    this.plugin = plugin;
    this.group = new RemoteInstanceGroup(this.channel, plugin, callTimeout);
  }

  RemoteInstanceGroup group() {
    return group;
  }

  /**
   * Checks that the plugin answers health service {@code plugin} with SERVING.
   *
   * @throws PluginLaunchException saying what went wrong (the TLS handshake failing shows here)
   */
  void checkHealth(Duration timeout) {
    ServingStatus status;
    try {
      status =
          HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)
              .check(
                  HealthCheckRequest.newBuilder().setService(PluginServices.HEALTH_SERVICE).build())
              .getStatus();
    } catch (StatusRuntimeException e) {
      throw new PluginLaunchException(
          "plugin " + plugin + " failed its health check: " + e.getStatus(), e);
    }
    if (status != ServingStatus.SERVING) {
      throw new PluginLaunchException("plugin " + plugin + " reports health " + status);
    }
  }

  /** Streams the plugin's stdout and stderr (after its handshake) into the host's log. */
  void relayStdio() {
    System.Logger log = System.getLogger("plugin." + plugin);
    GRPCStdioGrpc.newStub(channel)
        .streamStdio(
            Empty.getDefaultInstance(),
            new StreamObserver<>() {
              @Override
              public void onNext(StdioData data) {
                log.log(
                    Level.INFO,
                    data.getChannel().name().toLowerCase(java.util.Locale.ROOT)
                        + ": "
                        + data.getData().toString(StandardCharsets.UTF_8).stripTrailing());
              }

              @Override
              public void onError(Throwable t) {
                // The plugin went away or does not stream stdio; nothing to relay.
              }

              @Override
              public void onCompleted() {}
            });
  }

  /** Asks the plugin to stop (go-plugin's controller); failures are ignored, the caller kills. */
  void requestShutdown(Duration timeout) {
    try {
      var unused =
          GRPCControllerGrpc.newBlockingStub(channel)
              .withDeadlineAfter(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)
              .shutdown(io.fleetscaler.proto.goplugin.Empty.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      // A plugin that cannot answer is killed by the caller anyway.
    }
  }

  void close() {
    managed.shutdownNow();
  }
}
