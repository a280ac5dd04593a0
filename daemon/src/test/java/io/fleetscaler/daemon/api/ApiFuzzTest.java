package io.fleetscaler.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.proto.v1.AcquireRequest;
import io.fleetscaler.proto.v1.GetFleetRequest;
import io.fleetscaler.proto.v1.ReleaseRequest;
import io.fleetscaler.proto.v1.ReserveRequest;
import io.fleetscaler.proto.v1.UnreserveRequest;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes the API's request handling: generated requests over every field (keys and groups of random
 * Unicode, control and bidi characters, lengths around the 256-byte limit; durations over the whole
 * int64/int32 range) and raw bytes (valid messages mutated, random bytes) sent to the service
 * behind the {@link RequestGuard}, as the daemon wires it. Every call must end with a code of the
 * API's closed set (never UNKNOWN or INTERNAL) and nothing may be logged with a stack trace. Tries:
 * {@code jqwik.tries.default} (brief in CI; raise it for a long run).
 */
class ApiFuzzTest {
  static final Set<Status.Code> ALLOWED =
      EnumSet.of(
          Status.Code.OK,
          Status.Code.INVALID_ARGUMENT,
          Status.Code.NOT_FOUND,
          Status.Code.ALREADY_EXISTS,
          Status.Code.FAILED_PRECONDITION,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.DEADLINE_EXCEEDED);

  private static final List<LogRecord> traces = new CopyOnWriteArrayList<>();
  private static final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          if (r.getThrown() != null) {
            traces.add(r);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @SuppressWarnings("NullAway.Init") // set in start()
  private static TaskScaler scaler;

  @SuppressWarnings("NullAway.Init")
  private static Server server;

  @SuppressWarnings("NullAway.Init")
  private static ManagedChannel channel;

  @BeforeContainer
  static void start() throws IOException {
    ManualClock clock = new ManualClock();
    scaler =
        TaskScaler.builder(new SimulatedInstanceGroup(clock))
            .plugin(Settings.defaults(), "{}")
            .maxInstances(4)
            .capacityPerInstance(2)
            .policies(List.of(Policy.of(0)))
            .clock(clock)
            .manualTicks()
            .build();
    FleetWatch watch = new FleetWatch(Map.of("g", scaler));
    FleetService service = new FleetService(Map.of("g", scaler), Map.of(), watch, Runnable::run);
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .maxInboundMessageSize(64 * 1024)
            .addService(RequestGuard.guard(service.bindService()))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    Logger.getLogger("").addHandler(capture);
  }

  @AfterContainer
  static void stop() throws InterruptedException {
    Logger.getLogger("").removeHandler(capture);
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    scaler.shutdown();
  }

  @Property
  void everyRequestGetsACodeOfTheClosedSet(@ForAll("requests") Request r) {
    Status status = call(r.method(), r.body());

    assertThat(status.getCode()).as(r + " -> " + status).isIn(ALLOWED);
    assertThat(traces).as("records with a stack trace").isEmpty();
  }

  @SuppressWarnings("ArrayRecordComponent") // raw request bytes; compared by no one
  record Request(String method, byte[] body) {
    @Override
    public String toString() {
      return method + " " + java.util.HexFormat.of().formatHex(body, 0, Math.min(64, body.length));
    }
  }

  @Provide
  Arbitrary<Request> requests() {
    Arbitrary<String> text =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(300),
            Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(20),
            Arbitraries.of(
                "", "g", "k", "a\u202eb", "z\u200bw", "\n", "é".repeat(129), "😀".repeat(64)),
            Arbitraries.strings().withChars('a', 'é', '€').ofMinLength(80).ofMaxLength(260));
    Arbitrary<Duration> duration =
        Combinators.combine(
                Arbitraries.oneOf(
                    Arbitraries.longs(),
                    Arbitraries.of(0L, 1L, -1L, 315_576_000_000L, 315_576_000_001L, 1L << 62)),
                Arbitraries.oneOf(
                    Arbitraries.integers(), Arbitraries.of(0, 1, -1, 999_999_999, 1_000_000_000)))
            .as((s, n) -> Duration.newBuilder().setSeconds(s).setNanos(n).build());
    Arbitrary<Request> typed =
        Combinators.combine(
                Arbitraries.of("Reserve", "Unreserve", "Acquire", "Release", "GetFleet"),
                text,
                text,
                duration,
                Arbitraries.of(true, false))
            .as(
                (m, group, key, d, withTimeout) -> {
                  String g = group.length() % 3 == 0 ? "" : group.length() % 3 == 1 ? "g" : group;
                  byte[] body =
                      switch (m) {
                        case "Reserve" ->
                            ReserveRequest.newBuilder()
                                .setGroup(g)
                                .setKey(key)
                                .build()
                                .toByteArray();
                        case "Unreserve" ->
                            UnreserveRequest.newBuilder()
                                .setGroup(g)
                                .setKey(key)
                                .build()
                                .toByteArray();
                        case "Release" ->
                            ReleaseRequest.newBuilder()
                                .setGroup(g)
                                .setKey(key)
                                .build()
                                .toByteArray();
                        case "GetFleet" ->
                            GetFleetRequest.newBuilder().setGroup(g).build().toByteArray();
                        default -> {
                          AcquireRequest.Builder b =
                              AcquireRequest.newBuilder().setGroup(g).setKey(key);
                          if (withTimeout) {
                            b.setTimeout(d);
                          }
                          yield b.build().toByteArray();
                        }
                      };
                  return new Request(m, body);
                });
    Arbitrary<Request> mutated =
        Combinators.combine(
                typed,
                Arbitraries.integers().between(0, 1 << 16),
                Arbitraries.bytes(),
                Arbitraries.integers().between(0, 2))
            .as(
                (r, at, b, how) -> {
                  byte[] body = r.body();
                  if (body.length == 0) {
                    return new Request(r.method(), new byte[] {b});
                  }
                  byte[] m = body.clone();
                  switch (how) {
                    case 0 -> m[at % m.length] = b;
                    case 1 -> m = java.util.Arrays.copyOf(m, at % m.length);
                    default -> {
                      m = java.util.Arrays.copyOf(m, m.length + 1);
                      m[m.length - 1] = b;
                    }
                  }
                  return new Request(r.method(), m);
                });
    Arbitrary<Request> random =
        Combinators.combine(
                Arbitraries.of("Reserve", "Acquire", "Release", "GetFleet"),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200))
            .as(Request::new);
    return Arbitraries.oneOf(typed, mutated, random);
  }

  private static final MethodDescriptor.Marshaller<byte[]> RAW =
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

  private static Status call(String method, byte[] body) {
    MethodDescriptor<byte[], byte[]> md =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("fleetscaler.v1.Fleet/" + method)
            .setRequestMarshaller(RAW)
            .setResponseMarshaller(RAW)
            .build();
    try {
      // An Acquire that is valid waits for capacity this manual-clock fleet never gets: the
      // deadline ends it (DEADLINE_EXCEEDED), and the scaler releases what it held.
      var unused =
          ClientCalls.blockingUnaryCall(
              channel,
              md,
              CallOptions.DEFAULT.withDeadlineAfter(
                  method.equals("Acquire") ? 50 : 10_000, TimeUnit.MILLISECONDS),
              body);
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }
}
