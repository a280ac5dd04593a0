package io.fleetscaler.benchmarks.ha;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.daemon.api.ApiClientSettings;
import io.fleetscaler.daemon.api.LeaderFollowingClient;
import io.fleetscaler.daemon.ha.HaSettings;
import io.fleetscaler.daemon.ha.LeaderElection;
import io.fleetscaler.daemon.ha.Role;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.plugin.simulated.SimulatedOptions;
import io.fleetscaler.proto.v1.AcquireRequest;
import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.GetFleetRequest;
import io.fleetscaler.proto.v1.ReleaseRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Failover of a high-availability set, measured (not a test): three daemons ({@code java -jar
 * fleetscaler.jar run}) on one local etcd; a runner manager retrying every 20 ms through {@link
 * LeaderFollowingClient}; the leader SIGKILLed at a random moment, many times. Each sample is the
 * time from the kill to the first acquisition a new leader serves. Then, in the same run, what an
 * acquisition costs with its state in etcd against the state file (in-process scalers on the
 * simulated cloud, acquire until handed out, then release).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.fleetscaler.benchmarks.ha.FailoverBenchmark \
 *   --daemon-jar daemon/target/fleetscaler.jar [--kills 40] [--ttl 3] [--plugin EXE] \
 *   [--baseline-jar OLD.jar [--rounds 2]]
 * </pre>
 *
 * With {@code --baseline-jar} the same run measures a second build of the daemon (the baseline,
 * e.g. one built from an earlier commit) on the same etcd and machine: the kills are split into
 * {@code rounds} blocks per build, the builds taking turns (baseline first), so that a change in
 * the machine's load falls on both.
 *
 * <p>Without {@code --plugin} the groups use the built-in simulated cloud with instant boots: each
 * leader's plugin process starts with an empty cloud, so a sample includes creating an instance.
 * With a plugin whose cloud outlives the daemons, a sample is adoption only.
 */
public final class FailoverBenchmark {
  private FailoverBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<String> a = Arrays.asList(args);
    String jar = option(a, "--daemon-jar", "");
    if (jar.isEmpty()) {
      System.err.println(
          "usage: FailoverBenchmark --daemon-jar JAR [--kills N] [--ttl S] [--plugin EXE]"
              + " [--baseline-jar JAR [--rounds N]]");
      System.exit(2);
    }
    int kills = Integer.parseInt(option(a, "--kills", "40"));
    int ttl = Integer.parseInt(option(a, "--ttl", "3"));
    String plugin = option(a, "--plugin", "simulated");
    int acquisitions = Integer.parseInt(option(a, "--acquisitions", "2000"));
    String baselineJar = option(a, "--baseline-jar", "");
    int rounds = baselineJar.isEmpty() ? 1 : Integer.parseInt(option(a, "--rounds", "2"));
    try (LocalEtcd etcd = LocalEtcd.start()) {
      List<Long> measured = new ArrayList<>();
      List<Long> baseline = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        int block = kills / rounds + (r < kills % rounds ? 1 : 0);
        if (!baselineJar.isEmpty()) {
          System.err.printf(Locale.ROOT, "round %d: baseline %s%n", r + 1, baselineJar);
          add(baseline, failovers(etcd, Path.of(baselineJar), block, ttl, plugin));
        }
        System.err.printf(Locale.ROOT, "round %d: %s%n", r + 1, jar);
        add(measured, failovers(etcd, Path.of(jar), block, ttl, plugin));
      }
      if (!baselineJar.isEmpty()) {
        report("baseline " + baselineJar, sorted(baseline), ttl);
      }
      report(jar, sorted(measured), ttl);
      long[] file = acquireCost(null, acquisitions);
      long[] inEtcd = acquireCost(etcd, acquisitions);
      System.out.printf(
          Locale.ROOT,
          "acquisition until handed out (%d each): state file median %d us, p99 %d us;"
              + " etcd median %d us, p99 %d us; etcd / file median %.1f%n",
          acquisitions,
          percentile(file, 50) / 1000,
          percentile(file, 99) / 1000,
          percentile(inEtcd, 50) / 1000,
          percentile(inEtcd, 99) / 1000,
          (double) percentile(inEtcd, 50) / Math.max(1, percentile(file, 50)));
    }
    System.exit(0);
  }

  private static void add(List<Long> to, long[] samples) {
    for (long s : samples) {
      to.add(s);
    }
  }

  private static long[] sorted(List<Long> samples) {
    long[] out = samples.stream().mapToLong(Long::longValue).sorted().toArray();
    if (out.length == 0) {
      throw new IllegalStateException("no failover measured");
    }
    return out;
  }

  private static void report(String what, long[] failovers, int ttl) {
    StringBuilder all = new StringBuilder();
    for (long f : failovers) {
      all.append(String.format(Locale.ROOT, " %.2f", f / 1e9));
    }
    System.out.printf(
        Locale.ROOT,
        "failover of %s (lease_ttl %ds, %d kills): median %.2f s, p99 %.2f s, max %.2f s;"
            + " sorted (s):%s%n",
        what,
        ttl,
        failovers.length,
        percentile(failovers, 50) / 1e9,
        percentile(failovers, 99) / 1e9,
        failovers[failovers.length - 1] / 1e9,
        all);
  }

  private static String option(List<String> args, String name, String fallback) {
    int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : fallback;
  }

  /** One daemon of the set. */
  private static final class Node {
    final Path config;
    final int grpc;
    final Path jar;
    Process process;

    Node(Path config, int grpc, Path jar) throws IOException {
      this.config = config;
      this.grpc = grpc;
      this.jar = jar;
      this.process = launch();
    }

    Process launch() throws IOException {
      String java = ProcessHandle.current().info().command().orElse("java");
      return new ProcessBuilder(
              java,
              "--enable-native-access=ALL-UNNAMED",
              "-jar",
              jar.toString(),
              "run",
              "--config",
              config.toString(),
              "--http-listen",
              "127.0.0.1:" + LocalEtcd.freePort())
          .redirectErrorStream(true)
          // Appended: a node's log keeps every term it led, for the phases of each failover.
          .redirectOutput(
              ProcessBuilder.Redirect.appendTo(
                  config.resolveSibling(config.getFileName() + ".log").toFile()))
          .start();
    }

    String api() {
      return "127.0.0.1:" + grpc;
    }

    void kill() throws InterruptedException {
      List<ProcessHandle> children = process.descendants().toList();
      process.destroyForcibly();
      process.waitFor();
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  private static long[] failovers(LocalEtcd etcd, Path jar, int kills, int ttl, String plugin)
      throws Exception {
    Path dir = Files.createTempDirectory("fleetscaler-failover");
    System.err.printf(Locale.ROOT, "daemons of %s log to %s%n", jar, dir);
    String prefix = "/fleetscaler-bench/" + UUID.randomUUID();
    List<Node> nodes = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      int grpc = LocalEtcd.freePort();
      Path config = dir.resolve("node-" + i + ".toml");
      Files.writeString(config, config(etcd, ttl, prefix, "node-" + i, grpc, plugin));
      nodes.add(new Node(config, grpc, jar));
    }
    Random random = new Random(19);
    long[] samples = new long[kills];
    int next = 0;
    try {
      LeaderFollowingClient client = connect(nodes.get(0));
      for (int k = 0; k < kills; k++) {
        // Settled: an acquisition served, and the node that served it is the leader.
        client = acquireAndRelease(client, nodes, null);
        Node leader = byAddress(nodes, client.address());
        Thread.sleep(200 + random.nextInt(800));
        long killed = System.nanoTime();
        java.time.Instant killedAt = java.time.Instant.now();
        leader.kill();
        client = acquireAndRelease(client, nodes, leader);
        samples[k] = System.nanoTime() - killed;
        leader.process = leader.launch();
        // Settled again before the next kill: the restarted node answers its API (as a standby).
        // Without this its JVM start overlaps the next failover, and a client that happens to try
        // it waits its whole call deadline for a server not yet answering (a double fault).
        awaitAnswering(leader);
        System.err.printf(
            Locale.ROOT,
            "kill %d of %s at %s: %.2f s (served by %s)%n",
            k + 1,
            leader.config.getFileName(),
            killedAt,
            samples[k] / 1e9,
            byAddress(nodes, client.address()).config.getFileName());
        next++;
      }
      client.close();
    } finally {
      for (Node n : nodes) {
        n.kill();
      }
    }
    long[] done = Arrays.copyOf(samples, next);
    Arrays.sort(done);
    return done;
  }

  private static String config(
      LocalEtcd etcd, int ttl, String prefix, String node, int grpc, String plugin) {
    String pluginConfig =
        plugin.equals("simulated")
            ? "\n[group.plugin_config]\nmax_size = 8\ncreate_latency = \"0s\"\n"
            : "";
    return """
    [daemon]
    grpc_listen = "127.0.0.1:%d"

    [daemon.ha]
    etcd_endpoints = ["%s"]
    lease_ttl = "%ds"
    key_prefix = "%s"
    node_name = "%s"
    advertise_api = "127.0.0.1:%d"

    [[group]]
    name = "ha"
    plugin = "%s"
    capacity_per_instance = 2
    max_instances = 8
    update_interval = "1s"
    update_interval_when_expecting = "1s"
    %s
    [[group.policy]]
    idle_count = 2
    idle_time = "1h"
    """
        .formatted(grpc, etcd.endpoint(), ttl, prefix, node, grpc, plugin, pluginConfig);
  }

  /** Waits until {@code n} answers an API call at all (any status a server sends). */
  private static void awaitAnswering(Node n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() - deadline < 0) {
      ManagedChannel channel = ManagedChannelBuilder.forTarget(n.api()).usePlaintext().build();
      try {
        var unused =
            FleetGrpc.newBlockingStub(channel)
                .withDeadlineAfter(1, TimeUnit.SECONDS)
                .getFleet(GetFleetRequest.getDefaultInstance());
        return;
      } catch (StatusRuntimeException e) {
        // A transport failure carries its cause; a status the server sent does not.
        if (e.getStatus().getCause() == null
            && e.getStatus().getCode() != io.grpc.Status.Code.DEADLINE_EXCEEDED) {
          return;
        }
      } finally {
        channel.shutdownNow();
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("node " + n.api() + " did not answer within 120 s");
  }

  private static LeaderFollowingClient connect(Node n) {
    return LeaderFollowingClient.connect(ApiClientSettings.plaintext(n.api()));
  }

  private static Node byAddress(List<Node> nodes, String authority) {
    return nodes.stream()
        .filter(n -> n.api().equals(authority))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no node at " + authority));
  }

  /**
   * Acquires, retrying every 20 ms on any failure (moving to the next node when one names no
   * leader), until a node other than {@code dead} serves it; then releases, retrying likewise.
   * Returns the client, now pointed at the node that served.
   */
  private static LeaderFollowingClient acquireAndRelease(
      LeaderFollowingClient start, List<Node> nodes, @Nullable Node dead)
      throws InterruptedException {
    LeaderFollowingClient client = start;
    int next = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    boolean held = false;
    while (System.nanoTime() - deadline < 0) {
      try {
        if (!held) {
          client.call(
              call(
                  s ->
                      s.acquire(
                          AcquireRequest.newBuilder().setGroup("ha").setKey("bench").build())));
          held = dead == null || !client.address().equals(dead.api());
        }
        if (held) {
          client.call(
              call(
                  s ->
                      s.release(
                          ReleaseRequest.newBuilder().setGroup("ha").setKey("bench").build())));
          return client;
        }
      } catch (StatusRuntimeException e) {
        // ALREADY_EXISTS: the key still holds its slot (a release lost in a failover): served.
        held = held || e.getStatus().getCode() == io.grpc.Status.Code.ALREADY_EXISTS;
        if (!held || e.getStatus().getCode() != io.grpc.Status.Code.ALREADY_EXISTS) {
          client.close();
          client = connect(nodes.get(next++ % nodes.size()));
        }
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("no acquisition served within 120 s");
  }

  private static <T> Function<FleetGrpc.FleetBlockingStub, T> call(
      Function<FleetGrpc.FleetBlockingStub, T> f) {
    return s -> f.apply(s.withDeadlineAfter(2, TimeUnit.SECONDS));
  }

  /**
   * Nanoseconds from asking for an acquisition to holding it, {@code n} times after a warm-up, with
   * the state in a file ({@code etcd == null}) or in etcd under a lease this process leads.
   */
  private static long[] acquireCost(@Nullable LocalEtcd etcd, int n) throws Exception {
    ManualClock clock = new ManualClock();
    TaskScaler.Builder b =
        TaskScaler.builder(new SimulatedInstanceGroup(clock))
            .plugin(
                Settings.defaults(),
                SimulatedOptions.defaults()
                    .withCreateLatency(SimulatedOptions.Latency.fixed(Duration.ofSeconds(1)))
                    .toJson())
            .clock(clock)
            .manualTicks()
            .randomSeed(7)
            .maxInstances(10)
            .capacityPerInstance(4)
            .policies(List.of(Policy.of(40)));
    @Nullable LeaderElection election = null;
    if (etcd == null) {
      b.stateStorage(Files.createTempDirectory("fleetscaler-bench-state").resolve("state"));
    } else {
      LeaderElection e =
          LeaderElection.start(
              HaSettings.plain(etcd.endpoint(), "bench", "127.0.0.1:1")
                  .withLeaseTtl(Duration.ofSeconds(10)),
              new LeaderElection.Listener() {});
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (e.role() != Role.LEADER) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("the benchmark's election did not win");
        }
        Thread.sleep(20);
      }
      b.stateStore(e::stateStore).leaseGuard(e.guard());
      election = e;
    }
    TaskScaler s = b.build();
    try {
      s.tick();
      clock.advance(Duration.ofSeconds(5));
      s.tick();
      s.tick();
      for (int i = 0; i < 200; i++) {
        s.acquire("job", Duration.ZERO).join();
        s.release("job");
      }
      long[] out = new long[n];
      for (int i = 0; i < n; i++) {
        long t = System.nanoTime();
        s.acquire("job", Duration.ZERO).join();
        out[i] = System.nanoTime() - t;
        s.release("job");
      }
      Arrays.sort(out);
      return out;
    } finally {
      s.shutdown();
      if (election != null) {
        election.close();
      }
    }
  }

  /** The {@code p}th percentile of sorted samples (nearest rank). */
  static long percentile(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
