package io.fleetscaler.benchmarks.ha;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;

/** A single-member etcd on 127.0.0.1 (Debian's {@code etcd-server}) for a benchmark run. */
final class LocalEtcd implements AutoCloseable {
  private final Process process;
  private final int port;

  private LocalEtcd(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static LocalEtcd start() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("fleetscaler-bench-etcd");
    int client = freePort();
    int peer = freePort();
    String c = "http://127.0.0.1:" + client;
    String p = "http://127.0.0.1:" + peer;
    Process proc =
        new ProcessBuilder(
                List.of(
                    "etcd",
                    "--name",
                    "b1",
                    "--data-dir",
                    dir.resolve("data").toString(),
                    "--listen-client-urls",
                    c,
                    "--advertise-client-urls",
                    c,
                    "--listen-peer-urls",
                    p,
                    "--initial-advertise-peer-urls",
                    p,
                    "--initial-cluster",
                    "b1=" + p,
                    "--log-level",
                    "warn"))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("etcd.log").toFile())
            .start();
    LocalEtcd e = new LocalEtcd(proc, client);
    e.awaitHealthy();
    return e;
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  private void awaitHealthy() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() - deadline < 0) {
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
      } catch (IOException notYet) {
        // keep polling
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("etcd did not become healthy within 30 s");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
