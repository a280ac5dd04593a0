package io.fleetscaler.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
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
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-RPC corpus ({@code hostile/rpc.tsv}) against the daemon's real Netty gRPC server with
 * bearer-token authentication, every transport and root logger at FINEST: each request gets its
 * expected status and message; no log record carries a stack trace or a token (right or wrong, in
 * clear or in hex); hostile requests log at most one line each.
 */
class HostileRpcCorpusTest {
  static final String TOKEN = "tok-3f9a1c55e2b7";
  static final String WRONG_TOKEN = "wrong-7d1e0b99aa42";

  @TempDir static Path dir;

  static final List<LogRecord> records = new CopyOnWriteArrayList<>();
  static final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  static final List<Logger> raised = new ArrayList<>();
  static final Map<Logger, Level> levelsBefore = new java.util.HashMap<>();

  @SuppressWarnings("NullAway.Init") // set in start()
  static TaskScaler scaler;

  @SuppressWarnings("NullAway.Init") // set in start()
  static ApiServer server;

  @SuppressWarnings("NullAway.Init") // set in start()
  static ManagedChannel channel;

  @BeforeAll
  static void start() throws IOException {
    Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    scaler =
        TaskScaler.builder(new SimulatedInstanceGroup(new ManualClock()))
            .plugin(Settings.defaults(), "{}")
            .maxInstances(10)
            .capacityPerInstance(2)
            .policies(List.of(Policy.of(0)))
            .clock(new ManualClock())
            .manualTicks()
            .build();
    server =
        ApiServer.start(
            new ApiServerSettings("127.0.0.1:0", null, null, null, token), Map.of("g", scaler));
    // An operator who turns everything up: the root, gRPC, and the frame loggers themselves.
    for (String name :
        List.of(
            "",
            "io.grpc",
            "io.grpc.netty.shaded",
            "io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler",
            "io.grpc.netty.shaded.io.grpc.netty.NettyClientHandler")) {
      Logger l = Logger.getLogger(name);
      levelsBefore.put(l, l.getLevel());
      l.setLevel(Level.FINEST);
      raised.add(l);
    }
    Logger.getLogger("").addHandler(capture);
    capture.setLevel(Level.ALL);
    InetSocketAddress a = server.address();
    channel =
        NettyChannelBuilder.forAddress(a.getHostString(), a.getPort())
            .usePlaintext()
            .maxInboundMessageSize(4 << 20)
            .build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    Logger.getLogger("").removeHandler(capture);
    levelsBefore.forEach(Logger::setLevel);
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    server.close();
    scaler.shutdown();
  }

  record RpcCase(String method, String request, String status, String says) {
    @Override
    public String toString() {
      return method + " " + (request.length() > 60 ? request.substring(0, 60) + "..." : request);
    }
  }

  static Stream<RpcCase> corpus() throws IOException, URISyntaxException {
    Path file =
        Path.of(
            Objects.requireNonNull(HostileRpcCorpusTest.class.getResource("/hostile/rpc.tsv"))
                .toURI());
    List<RpcCase> cases = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] c = line.split("\t", -1);
      cases.add(new RpcCase(c[0], c[1], c[2], c.length > 3 ? c[3] : ""));
    }
    return cases.stream();
  }

  @Test
  void theCorpusIsThere() throws Exception {
    assertThat(corpus()).hasSizeGreaterThanOrEqualTo(35);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void eachRequestGetsItsStatusWithoutATraceOrAFlood(RpcCase c) throws Exception {
    int before = records.size();

    Status status = call(c.method(), bytes(c.method(), c.request()), TOKEN);

    assertThat(status.getCode().name()).as(String.valueOf(status)).isEqualTo(c.status());
    assertThat(Objects.requireNonNullElse(status.getDescription(), "")).contains(c.says());
    List<LogRecord> all = List.copyOf(records);
    List<LogRecord> logged = all.subList(before, all.size());
    assertThat(logged)
        .noneMatch(r -> r.getThrown() != null && r.getLevel().intValue() >= Level.INFO.intValue());
    assertThat(logged.stream().filter(r -> r.getLevel().intValue() >= Level.INFO.intValue()))
        .as("log lines at INFO and above")
        .hasSizeLessThanOrEqualTo(1);
    assertNoSecretLogged();
  }

  @Test
  void aWrongTokenIsRefusedAndNeverLogged() throws Exception {
    Status status = call("GetFleet", new byte[0], WRONG_TOKEN);

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertNoSecretLogged();
  }

  @Test
  void anHttp1RequestToTheGrpcPortIsRefusedWithAtMostOneLine() throws Exception {
    int before = records.size();
    for (int i = 0; i < 20; i++) {
      try (Socket s = new Socket(server.address().getAddress(), server.address().getPort())) {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(
            ("GET /?token=" + TOKEN + " HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        var unused = in.readAllBytes(); // the server closes the connection
      } catch (java.net.SocketException reset) {
        // A reset is the transport's own refusal too.
      }
    }
    List<LogRecord> all = List.copyOf(records);
    List<LogRecord> logged = all.subList(before, all.size());
    assertThat(logged)
        .noneMatch(r -> r.getThrown() != null && r.getLevel().intValue() >= Level.INFO.intValue());
    assertThat(logged.stream().filter(r -> r.getLevel().intValue() >= Level.INFO.intValue()))
        .as("log lines for 20 HTTP/1 requests")
        .hasSizeLessThanOrEqualTo(1);
    // And the server still answers.
    assertThat(call("GetFleet", new byte[0], TOKEN).getCode()).isEqualTo(Status.Code.OK);
  }

  private static void assertNoSecretLogged() {
    SimpleFormatter f = new SimpleFormatter();
    String hex = HexFormat.of().formatHex(TOKEN.getBytes(StandardCharsets.US_ASCII));
    String wrongHex = HexFormat.of().formatHex(WRONG_TOKEN.getBytes(StandardCharsets.US_ASCII));
    for (LogRecord r : records) {
      String line = f.format(r);
      assertThat(line)
          .doesNotContain(TOKEN)
          .doesNotContain(WRONG_TOKEN)
          .doesNotContainIgnoringCase(hex)
          .doesNotContainIgnoringCase(wrongHex);
    }
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

  /** Sends {@code body} to {@code method} and returns the call's status. */
  static Status call(String method, byte[] body, String token) {
    MethodDescriptor<byte[], byte[]> md =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("fleetscaler.v1.Fleet/" + method)
            .setRequestMarshaller(RAW)
            .setResponseMarshaller(RAW)
            .build();
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    var authed =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    try {
      var unused =
          ClientCalls.blockingUnaryCall(
              authed, md, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), body);
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  static byte[] bytes(String method, String request) throws TextFormat.ParseException {
    if (request.startsWith("hex:")) {
      return HexFormat.of().parseHex(request.substring(4));
    }
    Message.Builder b = builder(method);
    if (request.startsWith("text:")) {
      TextFormat.merge(request.substring(5), b);
    } else if (request.startsWith("key:")) {
      String[] p = request.split(":", 3);
      String key = p[2].repeat(Integer.parseInt(p[1]));
      b.setField(b.getDescriptorForType().findFieldByName("key"), key);
      if (method.equals("Acquire")) {
        ((AcquireRequest.Builder) b).getTimeoutBuilder().setSeconds(1);
      }
    } else {
      throw new IllegalArgumentException("unknown request form: " + request);
    }
    return b.build().toByteArray();
  }

  private static Message.Builder builder(String method) {
    return switch (method) {
      case "Reserve" -> ReserveRequest.newBuilder();
      case "Unreserve" -> UnreserveRequest.newBuilder();
      case "Acquire" -> AcquireRequest.newBuilder();
      case "Release" -> ReleaseRequest.newBuilder();
      case "GetFleet" -> GetFleetRequest.newBuilder();
      default -> throw new IllegalArgumentException(method);
    };
  }
}
