package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import io.fleetscaler.daemon.api.ApiClient;
import io.fleetscaler.daemon.api.ApiClientSettings;
import io.fleetscaler.proto.v1.AcquireRequest;
import io.fleetscaler.proto.v1.AcquireResponse;
import io.fleetscaler.proto.v1.FleetEvent;
import io.fleetscaler.proto.v1.GetFleetRequest;
import io.fleetscaler.proto.v1.NoCapacity;
import io.fleetscaler.proto.v1.ReleaseRequest;
import io.fleetscaler.proto.v1.ReserveRequest;
import io.fleetscaler.proto.v1.ReserveResponse;
import io.fleetscaler.proto.v1.WatchFleetRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC API of the packaged daemon, run as an operator runs it: a runner manager's calls over
 * TCP, the watch stream, {@code fleetscaler status} as a separate process, and the refusal to serve
 * anything but loopback without TLS and client authentication.
 */
class ApiProcessIT {
  private static final Duration BOUND = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void runnerManagerCyclesWatchesAndStatusAgainstTheRunningDaemon() throws Exception {
    int grpcPort = DaemonProcess.freePort();
    String address = "127.0.0.1:" + grpcPort;
    try (DaemonProcess daemon =
            DaemonProcess.run(
                List.of(
                    "--grpc-listen",
                    address,
                    "--plugin-config",
                    "{\"create_latency\":\"1s\",\"delete_latency\":\"1s\"}",
                    "--capacity-per-instance",
                    "1",
                    "--max-instances",
                    "1",
                    "--idle-count",
                    "0"));
        ApiClient client = ApiClient.connect(ApiClientSettings.plaintext(address))) {
      daemon.awaitReady();
      assertThat(daemon.output()).contains("gRPC API on 127.0.0.1:" + grpcPort + " (plaintext");

      LinkedBlockingQueue<FleetEvent> events = new LinkedBlockingQueue<>();
      client.async().watchFleet(WatchFleetRequest.getDefaultInstance(), collect(events));
      assertThat(nextEvent(events, e -> e.hasStatus()).getStatus().getName()).isEqualTo("default");

      ReserveResponse reserved =
          client.blocking().reserve(ReserveRequest.newBuilder().setKey("job-1").build());
      assertThat(reserved.getOutcome()).isEqualTo(ReserveResponse.Outcome.ACCEPTED_PENDING);

      // No instance exists (idle count 0): the acquisition makes the scaler create one.
      AcquireResponse acquired =
          client
              .blocking()
              .withDeadlineAfter(BOUND.toSeconds(), TimeUnit.SECONDS)
              .acquire(AcquireRequest.newBuilder().setKey("job-1").build());
      assertThat(acquired.getConnectInfo().getInstanceId()).isEqualTo(acquired.getInstanceId());
      assertThat(acquired.getConnectInfo().getInternalAddr()).isNotEmpty();
      FleetEvent busy = nextEvent(events, e -> e.getStatus().getSlots().getAcquired() == 1);
      assertThat(busy.getStatus().getInstancesList())
          .anySatisfy(i -> assertThat(i.getId()).isEqualTo(acquired.getInstanceId()));

      // At the maximum (one instance, one slot) a second job waits out its timeout.
      StatusRuntimeException exhausted =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  client
                      .blocking()
                      .withDeadlineAfter(BOUND.toSeconds(), TimeUnit.SECONDS)
                      .acquire(
                          AcquireRequest.newBuilder()
                              .setKey("job-2")
                              .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1))
                              .build()));
      assertThat(exhausted.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(exhausted.getStatus().getDescription())
          .contains("acquired:1")
          .contains("held by: max_instances (at max_instances: 1 instances of 1");
      NoCapacity detail = noCapacity(exhausted);
      assertThat(detail.getGroup()).isEqualTo("default");
      assertThat(detail.getSlots().getAcquired()).isEqualTo(1);
      assertThat(detail.getSlots().getIdle()).isZero();

      DaemonProcess.CliResult table = DaemonProcess.cli(List.of("status", "--address", address));
      assertThat(table.status()).as(table.output()).isZero();
      assertThat(table.output())
          .contains("GROUP default")
          .contains("SLOTS  idle 0  reserved 0  acquired 1")
          .contains(acquired.getInstanceId() + "  ready")
          .contains("RECENT DECISIONS")
          .contains("WHY WAITING")
          .contains("idle_target_zero");
      DaemonProcess.CliResult why =
          DaemonProcess.cli(List.of("status", "--address", address, "--why", "--json"));
      assertThat(why.status()).as(why.output()).isZero();
      assertThat(why.output()).contains("\"reason\": \"idle_target_zero\"");
      DaemonProcess.CliResult json =
          DaemonProcess.cli(List.of("status", "--address", address, "--json"));
      assertThat(json.status()).as(json.output()).isZero();
      assertThat(json.output()).contains("\"id\": \"" + acquired.getInstanceId() + "\"");

      assertThat(
              client
                  .blocking()
                  .release(ReleaseRequest.newBuilder().setKey("job-1").build())
                  .getReleased())
          .isTrue();
      nextEvent(events, e -> e.hasStatus() && e.getStatus().getSlots().getAcquired() == 0);

      daemon.process.destroy(); // SIGTERM
      assertThat(daemon.awaitExit(Duration.ofSeconds(30))).isIn(0, 143);
      assertThat(daemon.output()).contains("fleetscaler: stopped");
    }
  }

  @Test
  void anAddressOtherThanLoopbackWithoutAuthenticationIsRefused() throws Exception {
    DaemonProcess.CliResult refused =
        DaemonProcess.cli(
            List.of(
                "run",
                "--in-process",
                "--http-listen",
                "127.0.0.1:" + DaemonProcess.freePort(),
                "--grpc-listen",
                "0.0.0.0:" + DaemonProcess.freePort()));
    assertThat(refused.status()).as(refused.output()).isEqualTo(2);
    assertThat(refused.output())
        .contains("is not a loopback address, so the API must use TLS")
        .doesNotContain("scaling plugin");
  }

  @Test
  void mutualTlsAcceptsClientsOfItsCaOnly() throws Exception {
    TestPki pki = new TestPki(dir, "fleet");
    Path[] server = pki.issue("daemon");
    Path[] runner = pki.issue("runner");
    Path[] stranger = new TestPki(dir, "other").issue("stranger");
    int grpcPort = DaemonProcess.freePort();
    String address = "127.0.0.1:" + grpcPort;
    try (DaemonProcess daemon =
        DaemonProcess.run(
            List.of(
                "--in-process",
                "--grpc-listen",
                "0.0.0.0:" + grpcPort,
                "--tls-cert",
                server[0].toString(),
                "--tls-key",
                server[1].toString(),
                "--tls-client-ca",
                pki.caFile().toString()))) {
      daemon.awaitReady();
      assertThat(daemon.output()).contains("(TLS, client certificates)");

      try (ApiClient ok =
          ApiClient.connect(
              new ApiClientSettings(address, true, pki.caFile(), runner[0], runner[1], null))) {
        assertThat(getFleet(ok).getGroups(0).getName()).isEqualTo("default");
      }
      for (ApiClientSettings refused :
          List.of(
              new ApiClientSettings(address, true, pki.caFile(), null, null, null),
              new ApiClientSettings(address, true, pki.caFile(), stranger[0], stranger[1], null),
              ApiClientSettings.plaintext(address))) {
        try (ApiClient client = ApiClient.connect(refused)) {
          StatusRuntimeException e =
              catchThrowableOfType(StatusRuntimeException.class, () -> getFleet(client));
          assertThat(e).as("refused: %s", refused).isNotNull();
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        }
      }

      DaemonProcess.CliResult status =
          DaemonProcess.cli(
              List.of(
                  "status",
                  "--address",
                  address,
                  "--tls-ca",
                  pki.caFile().toString(),
                  "--tls-cert",
                  runner[0].toString(),
                  "--tls-key",
                  runner[1].toString()));
      assertThat(status.status()).as(status.output()).isZero();
      assertThat(status.output()).contains("GROUP default");
    }
  }

  @Test
  void aBearerTokenOverTlsIsRequiredOnEveryCall() throws Exception {
    TestPki pki = new TestPki(dir, "fleet");
    Path[] server = pki.issue("daemon");
    Path token = dir.resolve("token");
    Files.writeString(token, "correct horse battery staple\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    Path wrong = dir.resolve("wrong-token");
    Files.writeString(wrong, "incorrect horse\n");
    Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
    int grpcPort = DaemonProcess.freePort();
    String address = "127.0.0.1:" + grpcPort;
    try (DaemonProcess daemon =
        DaemonProcess.run(
            List.of(
                "--in-process",
                "--grpc-listen",
                "0.0.0.0:" + grpcPort,
                "--tls-cert",
                server[0].toString(),
                "--tls-key",
                server[1].toString(),
                "--token-file",
                token.toString()))) {
      daemon.awaitReady();
      List<String> base =
          List.of("status", "--address", address, "--tls-ca", pki.caFile().toString());

      DaemonProcess.CliResult ok = DaemonProcess.cli(with(base, "--token-file", token.toString()));
      assertThat(ok.status()).as(ok.output()).isZero();
      assertThat(ok.output()).contains("GROUP default");

      DaemonProcess.CliResult none = DaemonProcess.cli(base);
      assertThat(none.status()).as(none.output()).isEqualTo(1);
      assertThat(none.output()).contains("UNAUTHENTICATED");

      DaemonProcess.CliResult bad = DaemonProcess.cli(with(base, "--token-file", wrong.toString()));
      assertThat(bad.status()).as(bad.output()).isEqualTo(1);
      assertThat(bad.output()).contains("UNAUTHENTICATED: the bearer token is wrong");

      assertThat(daemon.output())
          .as("the token never reaches the daemon's log")
          .doesNotContain("correct horse")
          .doesNotContain("incorrect horse");
    }
  }

  @Test
  void versionNamesTheProductAndProtocolVersions() throws Exception {
    DaemonProcess.CliResult version = DaemonProcess.cli(List.of("version"));
    assertThat(version.status()).as(version.output()).isZero();
    assertThat(version.output())
        .contains("fleetscaler 0.1.0-SNAPSHOT")
        .contains("plugin protocol: fleetscaler.plugin.v1 (go-plugin protocol version 1)")
        .contains("api: fleetscaler.v1");
  }

  private static List<String> with(List<String> base, String... more) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return all;
  }

  private static io.fleetscaler.proto.v1.GetFleetResponse getFleet(ApiClient client) {
    return client
        .blocking()
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .getFleet(GetFleetRequest.getDefaultInstance());
  }

  private static NoCapacity noCapacity(StatusRuntimeException e) throws Exception {
    com.google.rpc.Status status = Objects.requireNonNull(StatusProto.fromThrowable(e));
    for (Any any : status.getDetailsList()) {
      if (any.is(NoCapacity.class)) {
        return any.unpack(NoCapacity.class);
      }
    }
    throw new AssertionError("no NoCapacity detail in " + status);
  }

  private static FleetEvent nextEvent(
      LinkedBlockingQueue<FleetEvent> events, Predicate<FleetEvent> wanted)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(BOUND);
    List<FleetEvent> seen = new ArrayList<>();
    while (Instant.now().isBefore(deadline)) {
      FleetEvent e = events.poll(1, TimeUnit.SECONDS);
      if (e != null) {
        if (wanted.test(e)) {
          return e;
        }
        seen.add(e);
      }
    }
    throw new AssertionError("no matching watch event within " + BOUND + "; saw " + seen);
  }

  private static StreamObserver<FleetEvent> collect(LinkedBlockingQueue<FleetEvent> events) {
    return new StreamObserver<>() {
      @Override
      public void onNext(FleetEvent value) {
        events.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }
}
