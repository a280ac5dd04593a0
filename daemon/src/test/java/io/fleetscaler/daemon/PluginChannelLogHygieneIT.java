package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.daemon.api.ApiClient;
import io.fleetscaler.daemon.api.ApiClientSettings;
import io.fleetscaler.proto.v1.AcquireRequest;
import io.fleetscaler.proto.v1.AcquireResponse;
import io.fleetscaler.proto.v1.GetFleetRequest;
import io.fleetscaler.proto.v1.ReleaseRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No secret in any log at any level, across a real plugin channel: the packaged daemon with its
 * built-in simulated plugin as a subprocess, both JVMs configured by the operator to log everything
 * at FINEST (every logger family by name, Netty's and gRPC's frame loggers among them, and the
 * plugin JVM's console handler too). A runner manager calls the API with the bearer token and with
 * a wrong one, and acquires a slot, so the connector's password crosses the plugin channel in
 * {@code Init} and back in {@code ConnectInfo}, and the API channel in the answer. Neither the
 * tokens nor the password appear in the daemon's output (its log and the plugin's relayed log), in
 * clear or in hex, while lines at FINE and below from both processes do (the levels took effect).
 */
class PluginChannelLogHygieneIT {
  static final String TOKEN = "tok-5e1f0c9a77d2";
  static final String WRONG_TOKEN = "wrong-b83d21c4e6f0";
  static final String PASSWORD = "pw-a1c9e3f27b54";

  /** Everything at FINEST, including named loggers of Netty and gRPC that a user might pick. */
  static final List<String> FINEST_LOGGERS =
      List.of(
          "io",
          "io.grpc",
          "io.netty",
          "io.grpc.netty.shaded.io.netty",
          "io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler",
          "io.grpc.netty.shaded.io.grpc.netty.NettyClientHandler",
          "io.grpc.netty.shaded.io.netty.handler.codec.http2",
          "io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2FrameLogger",
          "io.grpc.netty.shaded.io.netty.handler.logging.LoggingHandler",
          "io.grpc.netty.shaded.io.netty.handler.ssl",
          "io.netty.handler.codec.http",
          "io.fleetscaler",
          "plugin",
          "com",
          "org",
          "net",
          "sun",
          "javax",
          "jdk",
          "java");

  @TempDir Path dir;

  @Test
  void neitherTheTokenNorTheConnectorPasswordIsLoggedAtFinest() throws Exception {
    Path token = secretFile("token", TOKEN);
    Path wrong = secretFile("wrong-token", WRONG_TOKEN);
    Path daemonLogging = loggingProperties("daemon-logging.properties");
    Path pluginLogging = loggingProperties("plugin-logging.properties");
    int grpcPort = DaemonProcess.freePort();
    String address = "127.0.0.1:" + grpcPort;
    Path config =
        Files.writeString(
            dir.resolve("fleetscaler.toml"),
            """
            [daemon]
            grpc_listen = "%s"

            [daemon.auth]
            token_file = "%s"

            [[group]]
            name = "hygiene"
            plugin = "simulated"
            capacity_per_instance = 1
            max_instances = 2

            [group.plugin_config]
            max_size = 2
            create_latency = "1s"
            delete_latency = "1s"

            [group.connector_config]
            username = "runner"
            password = "%s"

            [[group.policy]]
            idle_count = 1
            """
                .formatted(address, token, PASSWORD));

    String output;
    try (DaemonProcess daemon =
        DaemonProcess.run(
            List.of("-Djava.util.logging.config.file=" + daemonLogging),
            Map.of(
                PluginJvmOptions.OPERATOR_OPTIONS,
                "-Djava.util.logging.config.file=" + pluginLogging),
            List.of("--config", config.toString()))) {
      daemon.awaitReady();
      try (ApiClient client =
          ApiClient.connect(new ApiClientSettings(address, false, null, null, null, token))) {
        AcquireResponse acquired =
            client
                .blocking()
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .acquire(AcquireRequest.newBuilder().setKey("job-1").build());
        assertThat(acquired.getConnectInfo().getPassword())
            .as("the password crossed the plugin channel and the API")
            .isEqualTo(PASSWORD);
        assertThat(
                client
                    .blocking()
                    .release(ReleaseRequest.newBuilder().setKey("job-1").build())
                    .getReleased())
            .isTrue();
      }
      try (ApiClient intruder =
          ApiClient.connect(new ApiClientSettings(address, false, null, null, null, wrong))) {
        StatusRuntimeException refused =
            org.assertj.core.api.Assertions.catchThrowableOfType(
                StatusRuntimeException.class,
                () -> intruder.blocking().getFleet(GetFleetRequest.getDefaultInstance()));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      }
      daemon.process.destroy(); // SIGTERM: the plugin is shut down over its channel too
      assertThat(daemon.awaitExit(Duration.ofSeconds(30))).isIn(0, 143);
      output = daemon.output();
    }

    // The levels took effect in both JVMs: otherwise the test would prove nothing.
    assertThat(output)
        .as("the daemon logged below INFO")
        .containsPattern(Pattern.compile("(FINE|FINER|FINEST) io\\.grpc"));
    assertThat(output)
        .as("the plugin's JVM logged below INFO, relayed by the daemon")
        .containsPattern(Pattern.compile("(FINE|FINER|FINEST) plugin\\.simulated - "));
    for (String secret : List.of(TOKEN, WRONG_TOKEN, PASSWORD)) {
      assertNotIn(output, secret);
    }
  }

  private static void assertNotIn(String output, String secret) {
    byte[] bytes = secret.getBytes(StandardCharsets.US_ASCII);
    // A frame dump may break a value over lines: any eight bytes of it are enough to leak it.
    String head = new String(bytes, 0, 8, StandardCharsets.US_ASCII);
    String hex = HexFormat.of().formatHex(bytes, 0, 8);
    String spaced = HexFormat.ofDelimiter(" ").formatHex(bytes, 0, 8);
    assertThat(output)
        .as("the daemon's output (its log and the plugin's)")
        .doesNotContain(head)
        .doesNotContainIgnoringCase(hex)
        .doesNotContainIgnoringCase(spaced);
  }

  private Path secretFile(String name, String value) throws Exception {
    Path file = Files.writeString(dir.resolve(name), value + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private Path loggingProperties(String name) throws Exception {
    StringBuilder p = new StringBuilder();
    p.append("handlers = java.util.logging.ConsoleHandler\n");
    p.append("java.util.logging.ConsoleHandler.level = ALL\n");
    p.append(".level = FINEST\n");
    for (String logger : FINEST_LOGGERS) {
      p.append(logger).append(".level = FINEST\n");
    }
    return Files.writeString(dir.resolve(name), p.toString());
  }
}
