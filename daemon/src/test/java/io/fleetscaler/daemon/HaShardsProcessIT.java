package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.daemon.api.ApiClientSettings;
import io.fleetscaler.daemon.api.LeaderFollowingClient;
import io.fleetscaler.daemon.ha.EtcdServer;
import io.fleetscaler.proto.v1.GetFleetRequest;
import io.fleetscaler.proto.v1.Instance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sharded set as subprocesses: three daemons on one real etcd, three shards of one group each
 * (each group its own cloud file), one runner manager per group cycling acquire/release through any
 * node. The shards spread one per node; the leader of one shard is killed again and again: that
 * shard moves, the other shards' leaders serve on without a term change, and nothing handed out is
 * lost, doubled, or deleted while held.
 */
class HaShardsProcessIT {
  private static final Duration TTL = Duration.ofSeconds(2);
  private static final int KILLS = 3;
  private static final Map<String, String> GROUPS = new LinkedHashMap<>();

  static {
    GROUPS.put("ga", "a");
    GROUPS.put("gb", "b");
    GROUPS.put("gc", "c");
  }

  @TempDir Path dir;

  @Test
  void killingOneShardsLeaderMovesOnlyThatShardAndLosesNothing() throws Exception {
    try (EtcdServer etcd = EtcdServer.start();
        HaCluster cluster = new HaCluster(dir, TTL)) {
      for (int i = 1; i <= 3; i++) {
        cluster.startSharded("node-" + i, etcd.endpoint(), GROUPS);
      }
      awaitSpread(cluster);
      Map<String, ConcurrentLinkedQueue<RunnerManager.Hold>> holds = new LinkedHashMap<>();
      List<RunnerManager> managers = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      int seed = 0;
      for (String group : GROUPS.keySet()) {
        ConcurrentLinkedQueue<RunnerManager.Hold> h = new ConcurrentLinkedQueue<>();
        holds.put(group, h);
        RunnerManager rm =
            new RunnerManager(
                group, "job-" + group, cluster.apis(), seed++, RunnerManager.sharedHolders(), h);
        managers.add(rm);
        threads.add(Thread.ofPlatform().name("runner-manager-" + group).start(rm));
      }
      Random random = new Random(19);
      try {
        for (int kill = 0; kill < KILLS; kill++) {
          Map<String, HaCluster.Node> before = new LinkedHashMap<>();
          Map<String, Long> terms = new LinkedHashMap<>();
          for (String shard : List.of("b", "c")) {
            HaCluster.Node n = leaderOf(cluster, shard).orElseThrow();
            before.put(shard, n);
            terms.put(shard, transitions(n, shard));
          }
          HaCluster.Node dead = leaderOf(cluster, "a").orElseThrow();
          long served = cycles(managers);
          HaCluster.await("acquisitions served", () -> cycles(managers) > served);
          Thread.sleep(random.nextInt(1500));
          List<ProcessHandle> plugins = dead.process.process.descendants().toList();
          dead.process.process.destroyForcibly();
          dead.process.process.waitFor();
          plugins.forEach(ProcessHandle::destroyForcibly);
          HaCluster.await(
              "shard a led by another node",
              () -> leaderOf(cluster, "a").filter(n -> n != dead).isPresent());
          cluster.restart(dead);
          awaitSpread(cluster);
          for (String shard : List.of("b", "c")) {
            HaCluster.Node n = Objects.requireNonNull(before.get(shard));
            assertThat(leaderOf(cluster, shard)).as("leader of shard %s", shard).contains(n);
            assertThat(transitions(n, shard))
                .as("terms of shard %s on %s", shard, n.name)
                .isEqualTo(terms.get(shard));
          }
        }
        long served = cycles(managers);
        HaCluster.await("acquisitions after the last kill", () -> cycles(managers) > served + 6);
      } finally {
        managers.forEach(RunnerManager::stop);
        for (Thread t : threads) {
          t.join(HaCluster.BOUND.toMillis());
        }
      }
      String logs = cluster.logs();
      for (RunnerManager rm : managers) {
        assertThat(rm.cycles.get()).as("cycles of a runner manager").isPositive();
        rm.assertNothingLostOrDoubled(logs);
      }
      for (String group : GROUPS.keySet()) {
        Path cloud = cluster.cloudOf(group);
        HaProcessIT.assertNoHeldInstanceDeleted(cloud, Objects.requireNonNull(holds.get(group)));
        HaCluster.Node leader = leaderOf(cluster, GROUPS.get(group)).orElseThrow();
        HaCluster.await(
            "the cloud of " + group + " and its leader agree",
            () -> {
              try {
                return known(leader, group).containsAll(HaProcessIT.running(cloud));
              } catch (RuntimeException e) {
                return false;
              }
            });
      }
    }
  }

  /** Waits (bounded) until each node leads exactly one shard and every shard is led. */
  private static void awaitSpread(HaCluster cluster) throws Exception {
    try {
      awaitOnePerNode(cluster);
    } catch (AssertionError e) {
      StringBuilder seen = new StringBuilder();
      for (HaCluster.Node n : cluster.nodes) {
        for (String shard : GROUPS.values()) {
          seen.append(n.name).append(" shard ").append(shard).append(": ");
          seen.append(metric(n, "fleetscaler_ha_leader{shard=\"" + shard + "\"}")).append('\n');
        }
      }
      throw new AssertionError(e.getMessage() + "\n" + seen + cluster.logs(), e);
    }
  }

  private static void awaitOnePerNode(HaCluster cluster) throws InterruptedException {
    HaCluster.await(
        "one shard per node",
        () -> {
          int led = 0;
          for (HaCluster.Node n : cluster.nodes) {
            int mine = 0;
            for (String shard : GROUPS.values()) {
              mine += leads(n, shard) ? 1 : 0;
            }
            if (mine != 1) {
              return false;
            }
            led += mine;
          }
          return led == GROUPS.size()
              && GROUPS.values().stream().allMatch(s -> leaderOf(cluster, s).isPresent());
        });
  }

  private static Optional<HaCluster.Node> leaderOf(HaCluster cluster, String shard) {
    List<HaCluster.Node> l = cluster.nodes.stream().filter(n -> leads(n, shard)).toList();
    return l.size() == 1 ? Optional.of(l.get(0)) : Optional.empty();
  }

  private static boolean leads(HaCluster.Node n, String shard) {
    return metric(n, "fleetscaler_ha_leader{shard=\"" + shard + "\"}") == 1;
  }

  private static long transitions(HaCluster.Node n, String shard) {
    return metric(n, "fleetscaler_ha_transitions_total{shard=\"" + shard + "\"}");
  }

  /** A metric's value on node {@code n}, or -1 when it cannot be read. */
  private static long metric(HaCluster.Node n, String series) {
    if (!n.process.process.isAlive()) {
      return -1;
    }
    try {
      for (String line : n.process.get("/metrics").body().lines().toList()) {
        if (line.startsWith(series + " ")) {
          return (long) Double.parseDouble(line.substring(series.length() + 1).trim());
        }
      }
    } catch (Exception e) {
      return -1;
    }
    return -1;
  }

  private static long cycles(List<RunnerManager> managers) {
    return managers.stream().mapToLong(m -> m.cycles.get()).min().orElse(0);
  }

  private static List<String> known(HaCluster.Node leader, String group) {
    try (LeaderFollowingClient c =
        LeaderFollowingClient.connect(ApiClientSettings.plaintext(leader.api()))) {
      return c
          .call(
              s ->
                  s.withDeadlineAfter(5, TimeUnit.SECONDS)
                      .getFleet(GetFleetRequest.newBuilder().setGroup(group).build()))
          .getGroups(0)
          .getInstancesList()
          .stream()
          .map(Instance::getId)
          .toList();
    }
  }
}
