package io.fleetscaler.plugin.sdk;

import io.fleetscaler.proto.goplugin.ConnInfo;
import io.fleetscaler.proto.goplugin.GRPCBrokerGrpc;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * go-plugin's {@code plugin.GRPCBroker}, accepted but idle: a go-plugin host opens the stream on
 * connect, and our protocol needs no brokered connections, so requests are ignored and the stream
 * ends when the host ends it or the plugin stops. Thread-safe.
 */
final class BrokerService extends GRPCBrokerGrpc.GRPCBrokerImplBase {
  private final Set<Runnable> open = ConcurrentHashMap.newKeySet();

  @Override
  public StreamObserver<ConnInfo> startStream(StreamObserver<ConnInfo> out) {
    var ended = new AtomicBoolean();
    Runnable end =
        new Runnable() {
          @Override
          public void run() {
            open.remove(this);
            if (ended.compareAndSet(false, true)) {
              out.onCompleted();
            }
          }
        };
    open.add(end);
    return new StreamObserver<>() {
      @Override
      public void onNext(ConnInfo value) {}

      @Override
      public void onError(Throwable t) {
        open.remove(end);
        ended.set(true);
      }

      @Override
      public void onCompleted() {
        end.run();
      }
    };
  }

  /** Ends every open stream. */
  void finish() {
    open.forEach(Runnable::run);
  }
}
