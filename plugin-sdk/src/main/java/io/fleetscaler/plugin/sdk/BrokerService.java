package io.fleetscaler.plugin.sdk;

import io.fleetscaler.proto.goplugin.ConnInfo;
import io.fleetscaler.proto.goplugin.GRPCBrokerGrpc;
import io.grpc.stub.StreamObserver;

/**
 * go-plugin's {@code plugin.GRPCBroker}, accepted but idle: a go-plugin host opens the stream on
 * connect, and our protocol needs no brokered connections, so requests are ignored and the stream
 * ends when the host ends it.
 */
final class BrokerService extends GRPCBrokerGrpc.GRPCBrokerImplBase {
  @Override
  public StreamObserver<ConnInfo> startStream(StreamObserver<ConnInfo> out) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ConnInfo value) {}

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        out.onCompleted();
      }
    };
  }
}
