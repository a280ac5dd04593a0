package io.fleetscaler.plugin.sdk;

import io.fleetscaler.proto.goplugin.Empty;
import io.fleetscaler.proto.goplugin.GRPCControllerGrpc;
import io.grpc.stub.StreamObserver;

/**
 * go-plugin's {@code plugin.GRPCController}: {@code Shutdown} answers first and then runs the stop
 * action on its own thread, so the answer reaches the host before the server goes away.
 */
final class ControllerService extends GRPCControllerGrpc.GRPCControllerImplBase {
  private final Runnable stop;

  ControllerService(Runnable stop) {
    this.stop = stop;
  }

  @Override
  public void shutdown(Empty request, StreamObserver<Empty> out) {
    out.onNext(Empty.getDefaultInstance());
    out.onCompleted();
    Thread.ofPlatform().name("plugin-shutdown").daemon(false).start(stop);
  }
}
