package io.fleetscaler.benchmarks.api;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.daemon.api.ApiServer;
import io.fleetscaler.daemon.api.ApiServerSettings;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The daemon under load: its API and one group on the simulated cloud with 0 s boots, either
 * composed in this JVM (with the scaler's own loop, as the daemon runs it) or the packaged jar as a
 * subprocess, whose start-up time and memory it measures.
 */
final class TargetDaemon implements AutoCloseable {
  static final int CAPACITY_PER_INSTANCE = 16;

  final InetSocketAddress address;
  final @Nullable Duration startToReady;
  private final @Nullable Process process;
  private final @Nullable ApiServer api;
  private final @Nullable TaskScaler scaler;

  private TargetDaemon(
      InetSocketAddress address,
      @Nullable Duration startToReady,
      @Nullable Process process,
      @Nullable ApiServer api,
      @Nullable TaskScaler scaler) {
    this.address = address;
    this.startToReady = startToReady;
    this.process = process;
    this.api = api;
    this.scaler = scaler;
  }

  /**
   * Instances for {@code clients} busy plus as many idle slots: the policy keeps that many idle.
   */
  static int maxInstances(int clients) {
    return Math.max(1, (2 * clients + CAPACITY_PER_INSTANCE - 1) / CAPACITY_PER_INSTANCE);
  }

  /**
   * Composes the API over a scaler in this JVM, with {@code clients} idle slots. Once they are
   * ready, every provisioner call takes {@code cloudLatency}. The scaler runs its own loop (a step
   * a second) as the daemon does: with manual ticks, plans asked for by requests would run on the
   * request threads, which the daemon never does.
   */
  static TargetDaemon inProcess(int clients, Duration cloudLatency) throws InterruptedException {
    SlowCloud cloud = new SlowCloud(SimulatedInstanceGroup.withSystemClock());
    int max = maxInstances(clients);
    TaskScaler scaler =
        TaskScaler.builder(cloud)
            .plugin(Settings.defaults(), "{\"create_latency\":\"0s\",\"max_size\":" + max + "}")
            .capacityPerInstance(CAPACITY_PER_INSTANCE)
            .maxInstances(max)
            .policies(List.of(Policy.of(clients)))
            .updateInterval(Duration.ofSeconds(1))
            .updateIntervalWhenExpecting(Duration.ofSeconds(1))
            .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (scaler.snapshot().slots().idle() < clients && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (scaler.snapshot().slots().idle() < clients) {
      scaler.shutdown();
      throw new IllegalStateException("the simulated fleet did not come up: " + scaler.snapshot());
    }
    ApiServer api =
        ApiServer.start(ApiServerSettings.loopback("127.0.0.1:0"), Map.of("default", scaler));
    TargetDaemon target = new TargetDaemon(api.address(), null, null, api, scaler);
    cloud.latency(cloudLatency);
    return target;
  }

  /**
   * Starts {@code java -jar daemonJar run} and waits (bounded) for {@code /readyz}, timing it. A
   * {@code daemonJar} that is not a {@code .jar} is a distribution's {@code bin/fleetscaler}
   * launcher, run on this JVM's Java with the launcher's JVM defaults (and the plugin's), as an
   * operator runs it.
   *
   * @param subprocessPlugin run the simulated plugin as the daemon's subprocess
   */
  static TargetDaemon subprocess(Path daemonJar, int clients, boolean subprocessPlugin)
      throws Exception {
    int grpcPort = freePort();
    int httpPort = freePort();
    int max = maxInstances(clients);
    boolean launcher = !daemonJar.toString().endsWith(".jar");
    List<String> command = new ArrayList<>();
    if (launcher) {
      command.add(daemonJar.toString());
    } else {
      command.add(ProcessHandle.current().info().command().orElse("java"));
      command.add("--enable-native-access=ALL-UNNAMED");
      if (Runtime.version().feature() >= 24) {
        command.add("--sun-misc-unsafe-memory-access=allow");
      }
      command.addAll(List.of("-jar", daemonJar.toString()));
    }
    command.addAll(
        List.of(
            "run",
            "--grpc-listen",
            "127.0.0.1:" + grpcPort,
            "--http-listen",
            "127.0.0.1:" + httpPort,
            "--plugin-config",
            "{\"create_latency\":\"0s\",\"max_size\":" + max + "}",
            "--capacity-per-instance",
            Integer.toString(CAPACITY_PER_INSTANCE),
            "--max-instances",
            Integer.toString(max),
            "--idle-count",
            Integer.toString(clients),
            "--update-interval",
            "1s"));
    if (!subprocessPlugin) {
      command.add("--in-process");
    }
    Path log = Files.createTempFile("fleetscaler-load", ".log");
    long started = System.nanoTime();
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = builder.start();
    Duration ready;
    try (HttpClient http = HttpClient.newHttpClient()) {
      ready = awaitReady(http, p, httpPort, started, log);
    }
    return new TargetDaemon(
        new InetSocketAddress(
            java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), grpcPort),
        ready,
        p,
        null,
        null);
  }

  private static Duration awaitReady(HttpClient http, Process p, int port, long started, Path log)
      throws Exception {
    HttpRequest readyz =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = started + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("the daemon exited:\n" + Files.readString(log));
      }
      try {
        if (http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return Duration.ofNanos(System.nanoTime() - started);
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(5);
    }
    p.destroyForcibly();
    throw new IllegalStateException("the daemon was not ready in 60 s:\n" + Files.readString(log));
  }

  /** The daemon's resident set (VmRSS) and peak (VmHWM) in KiB, or -1 when not a subprocess. */
  long[] memoryKiB() throws IOException {
    if (process == null) {
      return new long[] {-1, -1};
    }
    long rss = -1;
    long hwm = -1;
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = kib(line);
      } else if (line.startsWith("VmHWM:")) {
        hwm = kib(line);
      }
    }
    return new long[] {rss, hwm};
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  @Override
  public void close() {
    if (api != null) {
      api.close();
    }
    if (scaler != null) {
      scaler.shutdown();
    }
    if (process != null) {
      process.destroy();
      boolean exited;
      try {
        exited = process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exited = false;
      }
      if (!exited) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
