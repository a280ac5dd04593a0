package io.fleetscaler.plugin.aws;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A real {@code moto_server} (the AWS emulator) on a free loopback port, started by the tests
 * themselves: one per test run (see {@link MotoExtension}), reset between tests, destroyed at the
 * end. If {@code moto_server} is not installed, starting fails with a message saying how to install
 * it: these tests never skip.
 */
final class MotoServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final URI endpoint;
  private final Path log;
  private final HttpClient http = HttpClient.newHttpClient();

  private MotoServer(Process process, URI endpoint, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
  }

  static MotoServer start() {
    return start(System.getenv("PATH"));
  }

  /** Starts the {@code moto_server} found on {@code searchPath} (a PATH-style list). */
  static MotoServer start(@Nullable String searchPath) {
    Path executable =
        find("moto_server", searchPath)
            .orElseThrow(
                () ->
                    new AssertionError(
                        "moto_server is not on PATH. The plugin-aws tests need the AWS emulator:"
                            + " install it with `pip install 'moto[server]==5.2.1'` and make sure"
                            + " `command -v moto_server` finds it."));
    int port = freePort();
    try {
      Path log = Files.createTempFile("moto-server-", ".log");
      Process process =
          new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      MotoServer server = new MotoServer(process, URI.create("http://127.0.0.1:" + port), log);
      server.awaitReady();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + executable, e);
    }
  }

  /** The emulator's one endpoint for every AWS service. */
  URI endpoint() {
    return endpoint;
  }

  /** Forgets every resource, as between tests. */
  void reset() {
    send(
        HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset"))
            .POST(HttpRequest.BodyPublishers.noBody()));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("moto_server exited at start: " + tail());
      }
      try {
        HttpResponse<Void> answer =
            http.send(
                HttpRequest.newBuilder(endpoint.resolve("/moto-api/"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (answer.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for moto_server", e);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for moto_server", e);
      }
    }
    close();
    throw new AssertionError("moto_server was not ready within " + START_TIMEOUT + ": " + tail());
  }

  private void send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> answer =
          http.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        throw new AssertionError(
            "moto_server answered " + answer.statusCode() + ": " + answer.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static Optional<Path> find(String name, @Nullable String path) {
    if (path == null) {
      return Optional.empty();
    }
    for (String dir :
        Pattern.compile(Pattern.quote(File.pathSeparator)).splitAsStream(path).toList()) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
