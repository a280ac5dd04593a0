package io.fleetscaler.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stock hashicorp go-plugin host (Debian's go-plugin 1.0.1, AutoMTLS, its default log level)
 * launches our plugin executables from the unpacked distribution and takes each through handshake,
 * health, every InstanceGroup method through Go stubs generated from our {@code .proto}, Shutdown,
 * the controller's stop, and checks that the process is gone. The Go host is {@code
 * src/test/go/host}; it prints one {@code STEP name code detail} line per step.
 */
class GoHostRunsOurPluginsIT {
  private static final Duration BOUND = Duration.ofMinutes(3);
  private static final List<String> LIFECYCLE =
      List.of(
          "handshake",
          "health",
          "init",
          "update",
          "increase",
          "running",
          "connect-info",
          "heartbeat",
          "decrease",
          "shutdown",
          "stop",
          "gone");
  private static final String NOT_INITIALISED =
      "called before the plugin was initialised: call Init (with a configuration it accepts)"
          + " first";

  @TempDir static Path unpacked;
  private static Path home = Path.of("unset");
  private static Path gohost = Path.of("unset");

  @BeforeAll
  static void unpackAndBuild() throws Exception {
    gohost = GoToolchain.binaries().resolve("gohost");
    Path archive = Path.of(System.getProperty("fleetscaler.dist.archive", "missing"));
    assertThat(archive).exists();
    Process tar =
        new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacked.toString())
            .inheritIO()
            .start();
    assertThat(tar.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS) && tar.exitValue() == 0).isTrue();
    try (var entries = Files.list(unpacked)) {
      home = entries.findFirst().orElseThrow();
    }
  }

  @Test
  void simulatedPluginGoesThroughEveryStepBeforeAndAfterInit() throws Exception {
    Run run =
        goHost(
            "-before-init",
            "-config",
            "{\"create_latency\":\"0s\",\"delete_latency\":\"0s\"}",
            plugin("simulated"));

    for (String method :
        List.of(
            "update",
            "increase",
            "connect-info",
            "heartbeat",
            "decrease",
            "suspend",
            "resume",
            "shutdown")) {
      assertThat(run.steps().get("before-init-" + method))
          .as(run.describe())
          .isNotNull()
          .satisfies(
              s -> {
                assertThat(s.code()).isEqualTo("FailedPrecondition");
                assertThat(s.detail()).endsWith(NOT_INITIALISED);
              });
    }
    assertEveryStepOk(run);
    assertThat(run.steps().get("init").detail()).isEqualTo("id=simulated/default");
  }

  @Test
  void staticPluginGoesThroughEveryStep() throws Exception {
    try (SshBanner banner = SshBanner.start()) {
      String host = "127.0.0.1:" + banner.port();
      Run run =
          goHost(
              "-config",
              "{\"instances\":{\"h1\":{\"external_addr\":\""
                  + host
                  + "\",\"internal_addr\":\""
                  + host
                  + "\"}}}",
              plugin("static"));

      assertEveryStepOk(run);
      assertThat(run.steps().get("connect-info").detail()).isEqualTo("internal=" + host);
    }
  }

  @Test
  void awsPluginWithoutACloudRefusesInitAndAnswersEveryOtherMethodPlainly() throws Exception {
    Run run = goHost("-config", "{\"region\":\"us-east-1\"}", plugin("aws"));

    assertThat(run.steps().get("init"))
        .as(run.describe())
        .isEqualTo(
            new Step(
                "InvalidArgument",
                "aws plugin config: name: required (the Auto Scaling" + " group's name)"));
    for (String method :
        List.of(
            "update",
            "increase",
            "connect-info",
            "heartbeat",
            "decrease",
            "suspend",
            "resume",
            "shutdown")) {
      assertThat(run.steps().get(method).code()).as(run.describe()).isEqualTo("FailedPrecondition");
    }
    for (String step : List.of("handshake", "health", "stop", "gone")) {
      assertThat(run.steps().get(step).code()).as(run.describe()).isEqualTo("OK");
    }
    assertGone(run);
  }

  @Test
  void aHostWithoutOurCookieSeesThePluginsReasonAtItsDefaultLogLevel() throws Exception {
    Run run = goHost("-cookie-key", "SOME_OTHER_APPLICATION_COOKIE", plugin("simulated"));

    assertThat(run.status()).as(run.describe()).isEqualTo(3);
    assertThat(run.steps().get("handshake"))
        .as(run.describe())
        .satisfies(
            s -> {
              assertThat(s.code()).isEqualTo("ERROR");
              assertThat(s.detail())
                  .startsWith(
                      "Unrecognized remote plugin message: This binary is a Fleetscaler plugin"
                          + " and is not meant to be run directly.")
                  .contains("the magic cookie is missing.");
            });
    // The host ran at its default level: nothing of the plugin's stderr (debug) reached it.
    assertThat(run.stderr()).doesNotContain("[DEBUG]").doesNotContain("magic cookie");
  }

  @Test
  void aHostOfAnotherProtocolVersionReportsTheIncompatibilityAsWithAGoPlugin() throws Exception {
    Run run = goHost("-versions", "2,3", plugin("simulated"));

    assertThat(run.status()).as(run.describe()).isEqualTo(3);
    assertThat(run.steps().get("handshake"))
        .as(run.describe())
        .satisfies(
            s -> {
              assertThat(s.code()).isEqualTo("ERROR");
              assertThat(s.detail())
                  .startsWith("Incompatible API version with plugin. Plugin version: 1,")
                  .contains("Client versions: [");
            });
  }

  private static void assertEveryStepOk(Run run) {
    assertThat(run.status()).as(run.describe()).isZero();
    for (String step : LIFECYCLE) {
      assertThat(run.steps().get(step)).as(run.describe()).isNotNull();
      assertThat(run.steps().get(step).code()).as(step + "\n" + run.describe()).isEqualTo("OK");
    }
    assertThat(run.stderr()).doesNotContain("failed to exit gracefully");
    assertGone(run);
  }

  private static void assertGone(Run run) {
    long pid = run.pid();
    assertThat(pid).as("the plugin's pid\n" + run.describe()).isPositive();
    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("plugin pid").isEmpty();
  }

  private static String plugin(String name) {
    return home.resolve("bin/fleeting-plugin-" + name).toString();
  }

  /** Runs the Go host to completion; the plugins find Java through the test JVM's home. */
  private static Run goHost(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(gohost.toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(unpacked, "gohost", ".out");
    Path err = Files.createTempFile(unpacked, "gohost", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = builder.start();
    if (!process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "the Go host did not finish within " + BOUND + ":\n" + Files.readString(out));
    }
    Run run =
        Run.parse(
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    // The matrix in docs/plugin-protocol.md is read off these lines.
    System.out.println(String.join(" ", args) + "\n" + run.stdout());
    return run;
  }

  private record Step(String code, String detail) {}

  private record Run(int status, Map<String, Step> steps, long pid, String stdout, String stderr) {
    static Run parse(int status, String stdout, String stderr) {
      Map<String, Step> steps = new LinkedHashMap<>();
      long pid = -1;
      for (String line : stdout.lines().toList()) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 3 && parts[0].equals("STEP")) {
          steps.put(parts[1], new Step(parts[2], parts.length == 4 ? parts[3] : ""));
        } else if (parts.length == 2 && parts[0].equals("PID")) {
          pid = Long.parseLong(parts[1]);
        }
      }
      return new Run(status, steps, pid, stdout, stderr);
    }

    String describe() {
      return "exit " + status + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
  }

  /**
   * Answers every connection with an SSH identification line and hangs up: enough for the static
   * plugin's reachability probe, which is all this test needs of a host.
   */
  private static final class SshBanner implements AutoCloseable {
    private final ServerSocket server;
    private final Thread acceptor;

    private SshBanner(ServerSocket server) {
      this.server = server;
      this.acceptor = Thread.ofVirtual().start(this::serve);
    }

    static SshBanner start() throws IOException {
      return new SshBanner(
          new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1})));
    }

    int port() {
      return server.getLocalPort();
    }

    private void serve() {
      while (!server.isClosed()) {
        try (Socket socket = server.accept();
            OutputStream out = socket.getOutputStream()) {
          out.write("SSH-2.0-OpenSSH_9.2 interop\r\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          // Closed, or the prober hung up first: neither matters here.
        }
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      try {
        acceptor.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
