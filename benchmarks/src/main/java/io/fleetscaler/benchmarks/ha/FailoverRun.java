package io.fleetscaler.benchmarks.ha;

import io.fleetscaler.daemon.api.ApiClientSettings;
import io.fleetscaler.daemon.api.LeaderFollowingClient;
import io.fleetscaler.proto.v1.AcquireRequest;
import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.ReleaseRequest;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The kill loop of {@link FailoverBenchmark}: starts three {@link DaemonNode}s of one build on the
 * benchmark's etcd, then, {@code kills} times, settles an acquisition, SIGKILLs the leader at a
 * random moment, times the first acquisition a new leader serves, and restarts the killed node as a
 * standby. Owns the runner manager's side too: acquiring and releasing through {@link
 * LeaderFollowingClient}, retrying every 20 ms.
 */
final class FailoverRun {
  private FailoverRun() {}

  /**
   * The failover samples of {@code kills} SIGKILLs of the leader of a set running {@code jar}, in
   * nanoseconds, sorted.
   */
  static long[] failovers(LocalEtcd etcd, Path jar, int kills, int ttl, String plugin)
      throws Exception {
    Path dir = Files.createTempDirectory("fleetscaler-failover");
    System.err.printf(Locale.ROOT, "daemons of %s log to %s%n", jar, dir);
    String prefix = "/fleetscaler-bench/" + UUID.randomUUID();
    List<DaemonNode> nodes = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      int grpc = LocalEtcd.freePort();
      Path config = dir.resolve("node-" + i + ".toml");
      Files.writeString(config, DaemonNode.config(etcd, ttl, prefix, "node-" + i, grpc, plugin));
      nodes.add(new DaemonNode(config, grpc, jar));
    }
    Random random = new Random(19);
    long[] samples = new long[kills];
    int next = 0;
    try {
      LeaderFollowingClient client = connect(nodes.get(0));
      for (int k = 0; k < kills; k++) {
        // Settled: an acquisition served, and the node that served it is the leader.
        client = acquireAndRelease(client, nodes, null);
        DaemonNode leader = byAddress(nodes, client.address());
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
        leader.awaitAnswering();
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
      for (DaemonNode n : nodes) {
        n.kill();
      }
    }
    long[] done = Arrays.copyOf(samples, next);
    Arrays.sort(done);
    return done;
  }

  static LeaderFollowingClient connect(DaemonNode n) {
    return LeaderFollowingClient.connect(ApiClientSettings.plaintext(n.api()));
  }

  static DaemonNode byAddress(List<DaemonNode> nodes, String authority) {
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
  static LeaderFollowingClient acquireAndRelease(
      LeaderFollowingClient start, List<DaemonNode> nodes, @Nullable DaemonNode dead)
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
}
