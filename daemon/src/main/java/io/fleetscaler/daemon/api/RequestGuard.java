package io.fleetscaler.daemon.api;

import com.google.rpc.Code;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;

/**
 * Turns requests the service never sees into clear refusals. grpc-java parses a request on the way
 * to the service and, when the bytes are not the method's message (malformed protobuf, invalid
 * UTF-8 in a string field), ends the call with {@code UNKNOWN} and logs a long SEVERE stack trace;
 * a service method that throws does the same. Here the service takes raw bytes and parses them
 * itself, inside a listener that answers {@code INVALID_ARGUMENT} for a request that does not parse
 * and {@code INTERNAL} (with one rate-limited log line, no trace) for a bug, and then ignores the
 * rest of that call.
 */
final class RequestGuard implements ServerInterceptor {
  private static final System.Logger LOG = System.getLogger(RequestGuard.class.getName());
  private static final RateLimitedLog BUGS = new RateLimitedLog(LOG, 60_000);

  /** Raw bytes in, raw bytes out: the parse happens inside {@link RequestGuard}'s listener. */
  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private RequestGuard() {}

  /** {@code service} behind the guard. */
  static ServerServiceDefinition guard(ServerServiceDefinition service) {
    return ServerInterceptors.intercept(
        ServerInterceptors.useMarshalledMessages(service, BYTES), new RequestGuard());
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    return new Guarded<>(call, next.startCall(call, headers));
  }

  private static final class Guarded<Q, R>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final ServerCall<Q, R> call;
    private boolean closed;

    Guarded(ServerCall<Q, R> call, ServerCall.Listener<Q> delegate) {
      super(delegate);
      this.call = call;
    }

    @Override
    public void onMessage(Q message) {
      if (closed) {
        return;
      }
      try {
        super.onMessage(message);
      } catch (StatusRuntimeException | IllegalArgumentException e) {
        // The method's marshaller refused the bytes: not the message this method takes.
        refuse(
            Code.INVALID_ARGUMENT,
            "request: not a valid "
                + call.getMethodDescriptor().getFullMethodName()
                + " request message (malformed protobuf or invalid UTF-8 in a string field)");
      } catch (RuntimeException e) {
        bug(e);
      }
    }

    @Override
    public void onHalfClose() {
      if (closed) {
        return;
      }
      try {
        super.onHalfClose();
      } catch (RuntimeException e) {
        bug(e);
      }
    }

    @Override
    public void onReady() {
      if (closed) {
        return;
      }
      try {
        super.onReady();
      } catch (RuntimeException e) {
        bug(e);
      }
    }

    private void bug(RuntimeException e) {
      BUGS.log(
          Level.ERROR,
          "API call "
              + call.getMethodDescriptor().getFullMethodName()
              + " failed inside the daemon: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage()));
      refuse(Code.INTERNAL, "the daemon failed to answer this call; see its log");
    }

    private void refuse(Code code, String message) {
      closed = true;
      try {
        call.close(Status.fromCodeValue(code.getNumber()).withDescription(message), new Metadata());
      } catch (IllegalStateException alreadyClosed) {
        // The service had answered before failing: the client has its answer.
      }
    }
  }
}
