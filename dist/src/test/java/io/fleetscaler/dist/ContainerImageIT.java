package io.fleetscaler.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.proto.v1.AcquireRequest;
import io.fleetscaler.proto.v1.AcquireResponse;
import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.GetFleetRequest;
import io.fleetscaler.proto.v1.ReleaseRequest;
import io.fleetscaler.proto.v1.ReserveRequest;
import io.fleetscaler.proto.v1.ReserveResponse;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's container image ({@code deploy/container/Containerfile}) built by Podman from the
 * unpacked distribution on the locally built base image (Debian with its Java 21 runtime, {@code
 * deploy/container/build-base.sh}, run by {@code .ci/run}), then run as an operator would:
 * read-only root, the state directory as a volume, TLS and bearer token as Podman secrets, ports
 * published on 127.0.0.1 only. The test scrapes {@code /metrics}, runs the image's HEALTHCHECK,
 * drives the gRPC API through the published port (reserve, acquire, release), and stops it with
 * SIGTERM. It prints the image's size and the time from {@code podman run} to {@code /readyz}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerImageIT {
  private static final Duration BOUND = Duration.ofMinutes(2);
  private static final String BASE =
      envOr("FLEETSCALER_BASE_IMAGE", "localhost/fleetscaler-base:trixie-jre21");

  @TempDir static Path dir;
  private final String suffix = HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
  private final String image = "localhost/fleetscaler-it:" + suffix;
  private final String container = "fleetscaler-it-" + suffix;
  private final String volume = "fleetscaler-it-state-" + suffix;
  private final List<String> secrets = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private String token = "";
  private int httpPort;
  private int grpcPort;
  private long startToReadyMillis;

  @BeforeAll
  void buildAndRun() throws Exception {
    assertThat(Commands.onPath("podman"))
        .as("podman is not installed: .ci/run (or .ci/podman.sh setup) installs it")
        .isTrue();
    assertThat(Commands.run(List.of("podman", "image", "exists", BASE), BOUND).status())
        .as("base image %s is missing: run deploy/container/build-base.sh (.ci/run does)", BASE)
        .isZero();
    Path home = Commands.unpackDistribution(Files.createDirectories(dir.resolve("dist")));
    Commands.ok(
        List.of(
            "podman",
            "build",
            "--format",
            "docker",
            "--build-arg",
            "BASE=" + BASE,
            "-f",
            home.resolve("deploy/container/Containerfile").toString(),
            "-t",
            image,
            home.toString()),
        Duration.ofMinutes(5));
    String size =
        Commands.ok(List.of("podman", "image", "inspect", "--format", "{{.Size}}", image), BOUND)
            .strip();
    String baseSize =
        Commands.ok(List.of("podman", "image", "inspect", "--format", "{{.Size}}", BASE), BOUND)
            .strip();
    System.out.printf(
        "container image %s: %d MB (base %s: %d MB)%n",
        image, Long.parseLong(size) >> 20, BASE, Long.parseLong(baseSize) >> 20);

    token = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
    Path tokenFile = secretFile("token", token);
    Path key = dir.resolve("tls.key");
    Path cert = dir.resolve("tls.crt");
    Commands.ok(
        List.of(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            key.toString(),
            "-out",
            cert.toString(),
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-days",
            "1"),
        BOUND);
    secret("fleetscaler-token", tokenFile);
    secret("fleetscaler-tls.crt", cert);
    secret("fleetscaler-tls.key", key);

    List<String> run =
        new ArrayList<>(
            List.of(
                "podman",
                "run",
                "-d",
                "--name",
                container,
                "--read-only",
                "--tmpfs",
                "/run/secrets:size=64k",
                "-p",
                "127.0.0.1::9402",
                "-p",
                "127.0.0.1::9403",
                "-v",
                volume + ":/var/lib/fleetscaler"));
    for (String s : secrets) {
      run.addAll(
          List.of(
              "--secret",
              s + ",target=" + s.substring(0, s.lastIndexOf('-')) + ",uid=10001,mode=0400"));
    }
    run.add(image);
    long started = System.nanoTime();
    Commands.ok(run, BOUND);
    httpPort = publishedPort(9402);
    grpcPort = publishedPort(9403);
    awaitReady();
    startToReadyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    System.out.printf("container start to /readyz 200: %d ms%n", startToReadyMillis);
  }

  @AfterAll
  void remove() throws Exception {
    Commands.run(List.of("podman", "rm", "-f", "-v", "-t", "0", container), BOUND);
    Commands.run(List.of("podman", "volume", "rm", "-f", volume), BOUND);
    for (String s : secrets) {
      Commands.run(List.of("podman", "secret", "rm", s), BOUND);
    }
    Commands.run(List.of("podman", "rmi", "-f", image), BOUND);
  }

  @Test
  void imageRunsAsAnUnprivilegedUserWithAHealthcheckAndAStateVolume() throws Exception {
    String config =
        Commands.ok(
            List.of(
                "podman",
                "image",
                "inspect",
                "--format",
                "{{.Config.User}}|{{json .Config.Volumes}}|{{json .Config.Healthcheck.Test}}",
                image),
            BOUND);
    assertThat(config).startsWith("10001:10001|").contains("/var/lib/fleetscaler", "/healthz");
    assertThat(exec("id", "-u").strip()).isEqualTo("10001");
    // The image's own HEALTHCHECK command, run by Podman, passes.
    Commands.ok(List.of("podman", "healthcheck", "run", container), BOUND);
  }

  @Test
  void rootFileSystemIsReadOnlyAndTheStateVolumeIsWritable() throws Exception {
    Commands.Result write =
        Commands.run(List.of("podman", "exec", container, "touch", "/opt/fleetscaler/x"), BOUND);
    assertThat(write.status()).isNotZero();
    assertThat(write.output()).contains("Read-only file system");
    assertThat(exec("stat", "-c", "%a %u", "/var/lib/fleetscaler").strip()).isEqualTo("700 10001");
    exec("touch", "/var/lib/fleetscaler/probe");
  }

  @Test
  void metricsAreScrapedThroughThePublishedPort() throws Exception {
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("fleeting_taskscaler_tasks{group=\"default\",state=\"idle\"}")
        .contains("fleeting_provisioner_instances{group=\"default\",state=\"ready\"}");
  }

  @Test
  void theApiServesReserveAcquireReleaseOverTlsWithTheTokenOnly() throws Exception {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1",
                grpcPort,
                TlsChannelCredentials.newBuilder()
                    .trustManager(dir.resolve("tls.crt").toFile())
                    .build())
            .overrideAuthority("localhost")
            .build();
    try {
      FleetGrpc.FleetBlockingStub anonymous =
          FleetGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
      assertThatThrownBy(() -> anonymous.getFleet(GetFleetRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));

      Metadata bearer = new Metadata();
      bearer.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
      FleetGrpc.FleetBlockingStub api =
          FleetGrpc.newBlockingStub(channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer))
              .withDeadlineAfter(BOUND.toSeconds(), TimeUnit.SECONDS);
      // The image's default cloud boots its instances in 20 s; reserve needs an idle slot.
      awaitMetric("fleeting_taskscaler_tasks{group=\"default\",state=\"idle\"} 2.0");
      ReserveResponse reserved =
          api.reserve(ReserveRequest.newBuilder().setGroup("default").setKey("job-1").build());
      assertThat(reserved.getOutcome())
          .isIn(ReserveResponse.Outcome.RESERVED, ReserveResponse.Outcome.ACCEPTED_PENDING);
      AcquireResponse acquired =
          api.acquire(
              AcquireRequest.newBuilder()
                  .setGroup("default")
                  .setKey("job-1")
                  .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(90))
                  .build());
      assertThat(acquired.getInstanceId()).isNotBlank();
      assertThat(get("/metrics").body())
          .contains("fleeting_taskscaler_tasks{group=\"default\",state=\"acquired\"} 1.0");
      assertThat(
              api.release(ReleaseRequest.newBuilder().setGroup("default").setKey("job-1").build())
                  .getReleased())
          .isTrue();
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void sigtermStopsTheDaemonAndItsPluginCleanly() throws Exception {
    // Last by name is not guaranteed; this test runs its own container so the others keep theirs.
    String other = container + "-stop";
    List<String> run =
        new ArrayList<>(
            List.of(
                "podman",
                "run",
                "-d",
                "--name",
                other,
                "--read-only",
                "--tmpfs",
                "/run/secrets:size=64k"));
    for (String s : secrets) {
      run.addAll(
          List.of(
              "--secret",
              s + ",target=" + s.substring(0, s.lastIndexOf('-')) + ",uid=10001,mode=0400"));
    }
    run.add(image);
    try {
      Commands.ok(run, BOUND);
      awaitLog(other, "scaling group default");
      Commands.ok(List.of("podman", "stop", "-t", "60", other), BOUND);
      String exit =
          Commands.ok(List.of("podman", "inspect", "--format", "{{.State.ExitCode}}", other), BOUND)
              .strip();
      // 143 is the JVM's status after an orderly exit on SIGTERM.
      assertThat(exit).isIn("0", "143");
      assertThat(Commands.ok(List.of("podman", "logs", other), BOUND))
          .contains("fleetscaler: stopping")
          .contains("fleetscaler: stopped");
    } finally {
      Commands.run(List.of("podman", "rm", "-f", "-v", "-t", "0", other), BOUND);
    }
  }

  private void awaitMetric(String line) throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    String metrics = "";
    while (System.nanoTime() < deadline) {
      metrics = get("/metrics").body();
      if (metrics.lines().anyMatch(l -> l.equals(line))) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no '" + line + "' in /metrics within " + BOUND + ":\n" + metrics);
  }

  private void awaitLog(String name, String text) throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    String logs = "";
    while (System.nanoTime() < deadline) {
      logs = Commands.run(List.of("podman", "logs", name), BOUND).output();
      if (logs.contains(text)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no '" + text + "' in the log of " + name + ":\n" + logs);
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = get("/readyz");
        if (r.statusCode() == 200) {
          return;
        }
        last = r.statusCode() + " " + r.body();
      } catch (java.io.IOException notYet) {
        last = notYet.toString();
      }
      String state =
          Commands.run(
                  List.of("podman", "inspect", "--format", "{{.State.Status}}", container), BOUND)
              .output()
              .strip();
      assertThat(state)
          .as(
              "container exited:%n%s",
              Commands.run(List.of("podman", "logs", container), BOUND).output())
          .isEqualTo("running");
      Thread.sleep(100);
    }
    throw new AssertionError(
        "not ready within "
            + BOUND
            + ": "
            + last
            + "\n"
            + Commands.run(List.of("podman", "logs", container), BOUND).output());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private int publishedPort(int containerPort) throws Exception {
    String mapping =
        Commands.ok(List.of("podman", "port", container, containerPort + "/tcp"), BOUND)
            .strip()
            .lines()
            .findFirst()
            .orElseThrow();
    // "127.0.0.1:45649": published on loopback only.
    assertThat(mapping).startsWith("127.0.0.1:");
    return Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1));
  }

  private String exec(String... command) throws Exception {
    List<String> all = new ArrayList<>(List.of("podman", "exec", container));
    all.addAll(List.of(command));
    return Commands.ok(all, BOUND);
  }

  private Path secretFile(String name, String content) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  /** A Podman secret named {@code <target>-<suffix>}, mounted as /run/secrets/<target>. */
  private void secret(String target, Path file) throws Exception {
    String name = target + "-" + suffix;
    Commands.ok(List.of("podman", "secret", "create", name, file.toString()), BOUND);
    secrets.add(name);
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
