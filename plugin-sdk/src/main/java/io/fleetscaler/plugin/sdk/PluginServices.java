package io.fleetscaler.plugin.sdk;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;

/**
 * Every service a plugin serves, registered the same way on a socket server and on an in-process
 * one: the instance group, health ({@code plugin} = SERVING, the name go-plugin hosts check),
 * go-plugin's controller, stdio and broker, and server reflection (as Go plugins have it); every
 * call behind the {@link ArrivalFence}, which stamps answers with the plugin's clock and refuses a
 * call that arrives after its host's window closed.
 */
final class PluginServices {
  /** The health service name a go-plugin host checks. */
  static final String HEALTH_SERVICE = "plugin";

  private final HealthStatusManager health = new HealthStatusManager();
  private final StdioService stdio = new StdioService();
  private final BrokerService broker = new BrokerService();

  /**
   * Registers the services on {@code server}.
   *
   * @param stop what the controller's {@code Shutdown} runs, on its own thread, after answering
   */
  <T extends ServerBuilder<T>> T register(
      T server, InstanceGroup group, System.Logger log, Runnable stop) {
    health.setStatus(HEALTH_SERVICE, ServingStatus.SERVING);
    return server
        .intercept(ArrivalFence.plugin(System::nanoTime))
        .addService(new InstanceGroupService(group, log))
        .addService(health.getHealthService())
        .addService(new ControllerService(stop))
        .addService(stdio)
        .addService(broker)
        .addService(ProtoReflectionServiceV1.newInstance());
  }

  /**
   * Marks the plugin as going away: health answers NOT_SERVING from now on, and the long-lived
   * streams (stdio, broker) end, so that a graceful server shutdown need not wait for the host to
   * hang up.
   */
  void stopping() {
    health.enterTerminalState();
    stdio.finish();
    broker.finish();
  }

  StdioService stdio() {
    return stdio;
  }
}
