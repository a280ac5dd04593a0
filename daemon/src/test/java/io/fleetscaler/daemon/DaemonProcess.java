package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The packaged daemon ({@code java -jar fleetscaler.jar}) as a subprocess of a test, with its
 * output in a log file. Every wait is bounded. {@link #close()} kills it and its plugins if they
 * still run.
 */
final class DaemonProcess implements AutoCloseable {
  static final Duration START_BOUND = Duration.ofSeconds(90);

  final Process process;
  final Path log;
  final int httpPort;
  private final HttpClient http = HttpClient.newHttpClient();

  private DaemonProcess(Process process, Path log, int httpPort) {
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
  }

  /** Starts {@code fleetscaler <args>} with {@code --http-listen} on a free port added to run. */
  static DaemonProcess run(List<String> args) throws IOException {
    return run(List.of(), Map.of(), args);
  }

  /**
   * {@link #run(List)} with JVM options for the daemon (after the usual ones) and variables added
   * to its environment.
   */
  static DaemonProcess run(List<String> jvmFlags, Map<String, String> env, List<String> args)
      throws IOException {
    int port = freePort();
    List<String> all = new ArrayList<>(List.of("run", "--http-listen", "127.0.0.1:" + port));
    if (!args.contains("--grpc-listen") && !args.contains("--config")) {
      // Never the default 9403: another daemon on this machine must not fail the test.
      all.addAll(List.of("--grpc-listen", "127.0.0.1:0"));
    }
    all.addAll(args);
    Path log = Files.createTempFile("fleetscaler-daemon", ".log");
    List<String> command = command(all);
    command.addAll(command.indexOf("-jar"), jvmFlags);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return new DaemonProcess(builder.start(), log, port);
  }

  /** The command line of the packaged CLI with {@code args}. */
  static List<String> command(List<String> args) {
    List<String> command = new ArrayList<>(List.of(javaExecutable()));
    command.addAll(Main.childJvmFlags());
    command.add("-jar");
    command.add(daemonJar());
    command.addAll(args);
    return command;
  }

  /**
   * Runs the CLI with {@code args} to completion (bounded).
   *
   * @return its exit status and combined output
   */
  static CliResult cli(List<String> args) throws Exception {
    Path out = Files.createTempFile("fleetscaler-cli", ".out");
    Process p =
        new ProcessBuilder(command(args))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "fleetscaler " + args + " did not finish:\n" + Files.readString(out));
    }
    return new CliResult(p.exitValue(), Files.readString(out));
  }

  record CliResult(int status, String output) {}

  /** Waits for {@code /readyz} to answer 200. */
  void awaitReady() throws Exception {
    Instant deadline = Instant.now().plus(START_BOUND);
    while (Instant.now().isBefore(deadline)) {
      assertThat(process.isAlive()).as("daemon exited early:%n%s", output()).isTrue();
      try {
        if (get("/readyz").statusCode() == 200) {
          return;
        }
      } catch (IOException notListeningYet) {
        // keep polling until the bound
      }
      pause();
    }
    throw new AssertionError("daemon not ready within " + START_BOUND + ":\n" + output());
  }

  /** Waits for the process to exit (bounded) and returns its status. */
  int awaitExit(Duration bound) throws Exception {
    if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("daemon still running after " + bound + ":\n" + output());
    }
    return process.exitValue();
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  /** Waits up to 200 ms, returning early if the daemon exits. */
  void pause() throws Exception {
    try {
      process.onExit().get(200, TimeUnit.MILLISECONDS);
    } catch (TimeoutException stillRunning) {
      // the normal case
    }
  }

  @Override
  public void close() {
    http.close();
    if (process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String javaExecutable() {
    return ProcessHandle.current().info().command().orElseThrow();
  }

  private static String daemonJar() {
    String jar = System.getProperty("fleetscaler.daemon.jar");
    assertThat(jar).as("system property fleetscaler.daemon.jar (set by failsafe)").isNotNull();
    return java.util.Objects.requireNonNull(jar);
  }
}
