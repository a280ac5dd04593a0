package io.fleetscaler.daemon.ha;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-member etcd (Debian's {@code etcd-server}, installed by {@code .ci/run}) on
 * 127.0.0.1, with two free ports and a temporary data directory, as a subprocess of a test. {@link
 * #stop} and {@link #start} restart it on the same ports and data; {@link #close} stops it and
 * deletes the data. Every wait is bounded.
 */
public final class EtcdServer implements AutoCloseable {
  private static final Duration START_BOUND = Duration.ofSeconds(30);

  private final Path dir;
  private final int clientPort;
  private final int peerPort;
  private final Path log;
  private Process process;

  private EtcdServer(Path dir, int clientPort, int peerPort, Path log) throws IOException {
    this.dir = dir;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
    this.log = log;
    this.process = launch();
  }

  /** Starts a fresh etcd and waits until it answers. */
  public static EtcdServer start() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("fleetscaler-etcd");
    EtcdServer s = new EtcdServer(dir, freePort(), freePort(), dir.resolve("etcd.log"));
    s.awaitHealthy();
    return s;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The client URL. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + clientPort);
  }

  /** Starts it again after {@link #stop}, on the same ports and data. */
  public void startAgain() throws IOException, InterruptedException {
    process = launch();
    awaitHealthy();
  }

  private Process launch() throws IOException {
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    return new ProcessBuilder(
            List.of(
                etcdBinary(),
                "--name",
                "t1",
                "--data-dir",
                dir.resolve("data").toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                "t1=" + peer,
                "--log-level",
                "warn"))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  private static String etcdBinary() {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":", -1)) {
      Path p = Path.of(d, "etcd");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException(
        "etcd is not on PATH: install Debian's etcd-server (.ci/run does)");
  }

  private void awaitHealthy() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + START_BOUND.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (!process.isAlive()) {
        throw new IllegalStateException("etcd exited at start:\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(endpoint().resolve("/health"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("true")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        "etcd did not become healthy within " + START_BOUND + ":\n" + Files.readString(log));
  }

  /** Stops it (SIGTERM, then SIGKILL after a bound); the data stays. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      stop();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
