package io.fleetscaler.plugin.sdk;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Calls that a plugin refuses when they arrive after the host's {@link CallWindow} closed: the
 * check that a host cannot make itself, because a host may be stopped between its last check and
 * the moment its bytes leave the process.
 *
 * <h2>Why the host's own checks are not enough</h2>
 *
 * A host checks its window before it sends (in {@code RemoteInstanceGroup}), and a gRPC deadline
 * would not add to that: grpc-java tests a call's deadline once, in {@code ClientCall.start}; it
 * then queues the stream's headers and message for the transport's event loop, which writes them
 * without looking at the deadline again, and the {@code grpc-timeout} header it sends is computed
 * at {@code start}. A host stopped after {@code start} (SIGSTOP, a long GC pause, a stalled VM
 * whose plugin process runs on) writes the call when it resumes, racing its own deadline timer, and
 * the plugin sees a timeout that began before the pause. Bounding the deadline by the window would
 * moreover cancel a slow call that began in time (a long {@code Update}) while the host's right is
 * renewed under it. So the window travels with the call, and the plugin decides.
 *
 * <h2>The argument</h2>
 *
 * Host and plugin run on one machine, so their monotonic clocks advance at the same rate; only
 * their origins may differ (another JVM, a time namespace). Let {@code o} be the plugin's clock
 * minus the host's. Every answer of a plugin on this SDK carries its clock {@code p} in the trailer
 * {@value #CLOCK_HEADER}, read while handling the call, so after the host sent the call; the host
 * reads its clock {@code h} once the answer is in. The plugin read {@code p} at some host time
 * {@code t <= h}, so {@code o = p - t >= p - h}: each answer gives a lower bound {@code p - h} of
 * {@code o}, and the host keeps the largest ({@link Host}; the first comes from the health check at
 * launch, before any call that could act). A call sent under a window that closes at host time
 * {@code D} carries {@value #ACT_BY_HEADER} {@code = D + lower bound}; the plugin refuses it,
 * before its handler runs, when its clock {@code q} has reached that value. A call it accepts had
 * {@code q < D + lower bound <= D + o}, so the host's clock then read {@code q - o < D}: the plugin
 * acts on a call only while the window was surely open, however long the host was stopped after
 * sending it.
 *
 * <p>What it does not cover: a plugin that does not stamp its answers (one not built on this SDK,
 * such as a Go go-plugin plugin) never calibrates the host, so its calls go without the header and
 * only the host's own check guards them (logged once per connection); a call accepted in time acts
 * on the cloud as long as the plugin's handler runs, and a plugin process that is itself stopped
 * between its check and its cloud request sends that request late; a whole machine suspended
 * (monotonic clocks stop for both).
 */
final class ArrivalFence {
  /**
   * Request header: the plugin's clock (nanoseconds, decimal) at which the call may no longer act.
   */
  static final String ACT_BY_HEADER = "fleetscaler-act-by";

  /**
   * Trailer of every answer: the plugin's monotonic clock (nanoseconds, decimal) while handling.
   */
  static final String CLOCK_HEADER = "fleetscaler-plugin-clock";

  static final Metadata.Key<String> ACT_BY =
      Metadata.Key.of(ACT_BY_HEADER, Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> CLOCK =
      Metadata.Key.of(CLOCK_HEADER, Metadata.ASCII_STRING_MARSHALLER);

  /** The call option carrying a call's window from the stub to {@link Host}. */
  static final CallOptions.Key<CallWindow> WINDOW = CallOptions.Key.create("fleetscaler-window");

  private ArrivalFence() {}

  /** The plugin's side, over every service: stamps each answer, refuses late calls. */
  static ServerInterceptor plugin(LongSupplier nanoClock) {
    return new Plugin(nanoClock);
  }

  private static final class Plugin implements ServerInterceptor {
    private final LongSupplier clock;

    Plugin(LongSupplier clock) {
      this.clock = clock;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      ServerCall<Q, R> stamped =
          new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
              trailers.put(CLOCK, Long.toString(clock.getAsLong()));
              super.close(status, trailers);
            }
          };
      @Nullable String actBy = headers.get(ACT_BY);
      if (actBy == null) {
        return next.startCall(stamped, headers);
      }
      long until;
      try {
        until = Long.parseLong(actBy);
      } catch (NumberFormatException e) {
        stamped.close(
            Status.INVALID_ARGUMENT.withDescription(ACT_BY_HEADER + " is not a number"),
            new Metadata());
        return new ServerCall.Listener<>() {};
      }
      if (refused(stamped, until)) {
        return new ServerCall.Listener<>() {};
      }
      // Checked again where a unary handler starts: the latest moment before the plugin acts.
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
          next.startCall(stamped, headers)) {
        @Override
        public void onHalfClose() {
          if (!refused(stamped, until)) {
            super.onHalfClose();
          }
        }
      };
    }

    private boolean refused(ServerCall<?, ?> call, long until) {
      if (clock.getAsLong() - until < 0) {
        return false;
      }
      call.close(
          Status.UNAVAILABLE.withDescription(
              "not acted on: the call arrived after the host's right to call could have ended"
                  + " (its lease; the host was paused or slow)"),
          new Metadata());
      return true;
    }
  }

  /**
   * The host's side, one per connection: learns the bound on the plugin's clock from every answer
   * and puts the window's end, in the plugin's clock, on each call that has a window.
   *
   * <p>Thread-safe: the bound is a volatile field raised under this object's monitor.
   */
  static final class Host implements ClientInterceptor {
    private final String plugin;
    private final LongSupplier clock;
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile boolean calibrated;
    // The largest lower bound seen of (plugin clock - host clock); meaningful once calibrated.
    private volatile long offset;

    Host(String plugin, LongSupplier nanoClock) {
      this.plugin = plugin;
      this.clock = nanoClock;
    }

    /** Whether an answer has told the plugin's clock yet. */
    boolean calibrated() {
      return calibrated;
    }

    /** Notes that the plugin's clock read {@code pluginNanos} before the host's read {@code at}. */
    synchronized void sample(long pluginNanos, long at) {
      long bound = pluginNanos - at;
      if (!calibrated || bound - offset > 0) {
        offset = bound;
        calibrated = true;
      }
    }

    /** The plugin-clock value at which a window closing at host time {@code closesAt} ends. */
    long toPlugin(long closesAt) {
      return closesAt + offset;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      @Nullable CallWindow window = options.getOption(WINDOW);
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          if (window != null) {
            long remaining = window.remainingNanos();
            if (remaining != CallWindow.UNBOUNDED) {
              stampActBy(headers, clock.getAsLong() + Math.max(0, remaining));
            }
          }
          super.start(
              new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                @Override
                public void onClose(Status status, Metadata trailers) {
                  long at = clock.getAsLong();
                  @Nullable String p = trailers.get(CLOCK);
                  if (p != null) {
                    try {
                      sample(Long.parseLong(p), at);
                    } catch (NumberFormatException e) {
                      // Not a clock: this answer teaches nothing.
                    }
                  }
                  super.onClose(status, trailers);
                }
              },
              headers);
        }
      };
    }

    private void stampActBy(Metadata headers, long closesAt) {
      if (calibrated) {
        headers.put(ACT_BY, Long.toString(toPlugin(closesAt)));
      } else if (warned.compareAndSet(false, true)) {
        System.getLogger("plugin." + plugin)
            .log(
                Level.WARNING,
                "plugin {0} does not report its clock (not built on the Fleetscaler SDK): a call"
                    + " sent just before this process was paused may still reach it after the"
                    + " lease ended",
                plugin);
      }
    }
  }
}
