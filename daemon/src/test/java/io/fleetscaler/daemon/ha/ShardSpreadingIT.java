package io.fleetscaler.daemon.ha;

import static io.fleetscaler.daemon.ha.EtcdTesting.await;
import static io.fleetscaler.daemon.ha.EtcdTesting.settings;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Shards spread over the live nodes of a sharded set (real etcd, in-process elections): each node
 * leads its share once settled, a closed node's shards move to the others, a node that joins later
 * gets its share after the hold-down, and at no sampled moment do two nodes hold one shard's guard.
 */
class ShardSpreadingIT {
  private static final Duration TTL = Duration.ofSeconds(2);
  // Generous: a late joiner waits the hold-down (three TTLs) and a closed node's shard a poll or
  // so.
  private static final Duration SETTLE = Duration.ofSeconds(60);
  private static EtcdServer etcd;

  /** One node: its member key and one election per shard. */
  private record Node(String name, Spreading spreading, Map<String, LeaderElection> elections) {
    boolean holds(String shard) {
      LeaderElection e = elections.get(shard);
      return e != null && e.guard().holds();
    }

    int leads() {
      return (int) elections.values().stream().filter(e -> e.guard().holds()).count();
    }

    void close() {
      elections.values().forEach(LeaderElection::close);
      spreading.close();
    }
  }

  private final List<Node> nodes = new CopyOnWriteArrayList<>();
  private final AtomicLong samples = new AtomicLong();
  private final List<String> twoLeaders = new CopyOnWriteArrayList<>();
  private volatile boolean sampling = true;
  private Thread sampler;
  private String prefix = "";
  private List<String> shards = List.of();

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.start();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    etcd.close();
  }

  @BeforeEach
  void startSampling(TestInfo info) {
    prefix = "spread-" + info.getTestMethod().orElseThrow().getName();
    sampler = Thread.ofPlatform().daemon().start(this::sample);
  }

  @AfterEach
  void stop() throws InterruptedException {
    sampling = false;
    sampler.join();
    nodes.forEach(Node::close);
  }

  /** Counts, again and again, the nodes whose guard holds for each shard: never more than one. */
  private void sample() {
    while (sampling) {
      for (String shard : shards) {
        List<String> holding = new ArrayList<>();
        for (Node n : nodes) {
          if (n.holds(shard)) {
            holding.add(n.name());
          }
        }
        if (holding.size() > 1) {
          twoLeaders.add(shard + " held by " + holding);
        }
      }
      samples.incrementAndGet();
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private Node node(String name) {
    HaSettings s = settings(etcd.endpoint(), prefix, name, TTL);
    Spreading spreading = Spreading.start(s, shards);
    Map<String, LeaderElection> elections = new LinkedHashMap<>();
    for (String shard : shards) {
      elections.put(
          shard,
          EtcdElection.start(
              s.withElection(shard), new LeaderElection.Listener() {}, null, spreading));
    }
    Node n = new Node(name, spreading, elections);
    nodes.add(n);
    return n;
  }

  private void awaitSpread(String what, int... perNode) throws InterruptedException {
    await(
        what,
        SETTLE,
        () -> {
          for (int i = 0; i < perNode.length; i++) {
            if (nodes.get(i).leads() != perNode[i]) {
              return false;
            }
          }
          return everyShardLed();
        });
  }

  private boolean everyShardLed() {
    for (String shard : shards) {
      if (nodes.stream().noneMatch(n -> n.holds(shard))) {
        return false;
      }
    }
    return true;
  }

  private void assertNeverTwoLeaders() {
    assertThat(samples.get()).as("samples taken").isGreaterThan(10);
    assertThat(twoLeaders).as("moments when two nodes held one shard's guard").isEmpty();
  }

  @Test
  void threeNodesAndThreeShardsLeadOneEachAndAClosedNodesShardMoves() throws Exception {
    shards = List.of("a", "b", "c");
    node("n1");
    node("n2");
    node("n3");

    awaitSpread("each of three nodes leads one of three shards", 1, 1, 1);

    Node gone = nodes.get(0);
    nodes.remove(gone);
    gone.close();
    await("the closed node's shard is led by another", SETTLE, this::everyShardLed);
    assertThat(nodes.stream().mapToInt(Node::leads).sum()).isEqualTo(3);
    assertThat(nodes).allSatisfy(n -> assertThat(n.leads()).isBetween(1, 2));
    assertNeverTwoLeaders();
  }

  @Test
  void twoNodesAndFourShardsLeadTwoEach() throws Exception {
    shards = List.of("s1", "s2", "s3", "s4");
    node("n1");
    node("n2");

    awaitSpread("each of two nodes leads two of four shards", 2, 2);
    assertNeverTwoLeaders();
  }

  @Test
  void aNodeThatJoinsLaterGetsItsShareAfterTheHoldDown() throws Exception {
    shards = List.of("a", "b", "c");
    node("n1");
    awaitSpread("a lone node leads every shard", 3);
    node("n2");
    awaitSpread("two nodes share three shards", 2, 1);
    node("n3");

    awaitSpread("three nodes lead one shard each", 1, 1, 1);
    assertThat(nodes.get(0).spreading().live()).containsExactlyInAnyOrder("n1", "n2", "n3");
    assertNeverTwoLeaders();
  }
}
