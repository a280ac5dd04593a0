package io.fleetscaler.benchmarks.api;

import io.fleetscaler.proto.v1.AcquireRequest;
import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.ReleaseRequest;
import io.fleetscaler.proto.v1.ReserveRequest;
import io.fleetscaler.proto.v1.UnreserveRequest;
import io.grpc.stub.StreamObserver;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * One runner manager: reserve, acquire, release its key, again and again, each call issued from the
 * previous one's callback (no thread per client). Records the latency of each whole cycle while
 * {@link LoadControl#measuring} is set. A failed call is counted and the cycle given up (its slot
 * handed back) before the next one.
 */
final class CycleClient {
  private final FleetGrpc.FleetStub stub;
  private final ReserveRequest reserve;
  private final AcquireRequest acquire;
  private final ReleaseRequest release;
  private final UnreserveRequest unreserve;
  private final CountDownLatch stopped;
  private final LoadControl control;

  // Written only by the callback chain, which is sequential; read after `stopped`.
  private long[] latencies = new long[1 << 14];
  private int count;
  private long errors;
  private long cycleStart;

  /** Start and stop flags shared by all clients. */
  static final class LoadControl {
    volatile boolean measuring;
    volatile boolean stopping;
  }

  CycleClient(FleetGrpc.FleetStub stub, String key, LoadControl control, CountDownLatch stopped) {
    this.stub = stub;
    this.reserve = ReserveRequest.newBuilder().setKey(key).build();
    this.acquire =
        AcquireRequest.newBuilder()
            .setKey(key)
            .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(30))
            .build();
    this.release = ReleaseRequest.newBuilder().setKey(key).build();
    this.unreserve = UnreserveRequest.newBuilder().setKey(key).build();
    this.control = control;
    this.stopped = stopped;
  }

  void start() {
    next();
  }

  private void next() {
    if (control.stopping) {
      stopped.countDown();
      return;
    }
    cycleStart = System.nanoTime();
    stub.reserve(reserve, then(r -> acquire(), this::next));
  }

  private void acquire() {
    stub.acquire(
        acquire,
        then(r -> release(), () -> stub.unreserve(unreserve, then(u -> next(), this::next))));
  }

  private void release() {
    stub.release(
        release,
        then(
            r -> {
              if (control.measuring) {
                record(System.nanoTime() - cycleStart);
              }
              next();
            },
            this::next));
  }

  private void record(long nanos) {
    if (count == latencies.length) {
      latencies = Arrays.copyOf(latencies, count * 2);
    }
    latencies[count++] = nanos;
  }

  private <T> StreamObserver<T> then(Consumer<T> ok, Runnable failed) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        ok.accept(value);
      }

      @Override
      public void onError(Throwable t) {
        if (control.measuring) {
          errors++;
        }
        failed.run();
      }

      @Override
      public void onCompleted() {}
    };
  }

  long[] latencies() {
    return Arrays.copyOf(latencies, count);
  }

  long errors() {
    return errors;
  }
}
