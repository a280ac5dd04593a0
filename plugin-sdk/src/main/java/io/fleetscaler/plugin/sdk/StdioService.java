package io.fleetscaler.plugin.sdk;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.fleetscaler.proto.goplugin.GRPCStdioGrpc;
import io.fleetscaler.proto.goplugin.StdioData;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * go-plugin's {@code plugin.GRPCStdio}: what the plugin writes to {@code System.out} after the
 * handshake is streamed to the host, which asks once. Output is buffered in a bounded queue until
 * the host listens; when the queue is full, new output is dropped rather than blocking the plugin.
 * The stream ends when {@link #finish()} is called and the queue is empty.
 */
final class StdioService extends GRPCStdioGrpc.GRPCStdioImplBase {
  private static final int QUEUED_CHUNKS = 1024;

  private final BlockingQueue<StdioData> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
  private static final long FINISH_CHECK_MILLIS = 100;

  private final AtomicBoolean streaming = new AtomicBoolean();
  private volatile boolean finished;

  /** Ends the stream (after what is queued has been sent); the plugin is stopping. */
  void finish() {
    finished = true;
  }

  /** An output stream whose bytes go to the host on {@code channel}. Thread-safe. */
  OutputStream output(StdioData.Channel channel) {
    return new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        if (length > 0) {
          var unused =
              queue.offer(
                  StdioData.newBuilder()
                      .setChannel(channel)
                      .setData(ByteString.copyFrom(bytes, offset, length))
                      .build());
        }
      }
    };
  }

  @Override
  public void streamStdio(Empty request, StreamObserver<StdioData> out) {
    if (!streaming.compareAndSet(false, true)) {
      out.onError(
          Status.FAILED_PRECONDITION
              .withDescription("stdio is already being streamed")
              .asRuntimeException());
      return;
    }
    var call = (ServerCallStreamObserver<StdioData>) out;
    Thread pump =
        Thread.ofPlatform()
            .name("plugin-stdio")
            .daemon(true)
            .start(
                () -> {
                  try {
                    while (!call.isCancelled()) {
                      StdioData data = queue.poll(FINISH_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                      if (data != null) {
                        call.onNext(data);
                      } else if (finished) {
                        call.onCompleted();
                        return;
                      }
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } catch (RuntimeException e) {
                    // The call ended while sending; nothing left to stream to.
                  }
                });
    call.setOnCancelHandler(pump::interrupt);
  }
}
