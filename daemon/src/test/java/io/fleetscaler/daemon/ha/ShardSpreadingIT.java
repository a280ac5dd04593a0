package io.fleetscaler.daemon.ha;

import static io.fleetscaler.daemon.ha.EtcdTesting.await;
import static io.fleetscaler.daemon.ha.EtcdTesting.settings;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.state.StoredState;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
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
  private volatile List<String> shards = List.of();

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
        List<Node> in = List.copyOf(nodes);
        // Node by node is no snapshot: a shard that moved between two reads looks held twice. A
        // second read in reverse order sees it once then; two guards that really overlap, twice.
        if (holding(shard, in).size() > 1) {
          List<String> again = holding(shard, in.reversed());
          if (again.size() > 1) {
            twoLeaders.add(shard + " held by " + again);
          }
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

  private static List<String> holding(String shard, List<Node> in) {
    List<String> holding = new ArrayList<>();
    for (Node n : in) {
      if (n.holds(shard)) {
        holding.add(n.name());
      }
    }
    return holding;
  }

  private Node node(String name) {
    HaSettings s = settings(etcd.endpoint(), prefix, name, TTL);
    Spreading spreading = Spreading.start(s, shards);
    Map<String, LeaderElection> elections = new LinkedHashMap<>();
    for (String shard : shards) {
      Term term = new Term(name, shard);
      LeaderElection e = EtcdElection.start(s.withElection(shard), term, null, spreading);
      term.election = e;
      elections.put(shard, e);
    }
    Node n = new Node(name, spreading, elections);
    nodes.add(n);
    return n;
  }

  /** One event of a shard's terms, in the order they happened over all nodes. */
  private record Event(long seq, String shard, String node, boolean began) {}

  private final AtomicLong seq = new AtomicLong();
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final AtomicLong handOns = new AtomicLong();

  /**
   * A term as the daemon runs one: begins when elected, ends with a last state save fenced on the
   * term (on a thread of its own when handing on, then says done), and records both moments.
   */
  private final class Term implements LeaderElection.Listener {
    private final String node;
    private final String shard;
    volatile @Nullable LeaderElection election;
    private boolean open;

    Term(String node, String shard) {
      this.node = node;
      this.shard = shard;
    }

    @Override
    public synchronized void elected() {
      open = true;
      events.add(new Event(seq.incrementAndGet(), shard, node, true));
    }

    @Override
    public void deposed(String why) {
      end();
    }

    @Override
    public void handOn(Runnable done) {
      handOns.incrementAndGet();
      var unused =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    end();
                    done.run();
                  });
    }

    private synchronized void end() {
      LeaderElection e = election;
      if (!open || e == null) {
        return;
      }
      open = false;
      try {
        e.stateStore("group-" + shard).save(new StoredState("group-" + shard, 1, List.of()));
      } catch (IOException | RuntimeException ex) {
        // Fenced: counted by the election's fencedWrites().
      }
      events.add(new Event(seq.incrementAndGet(), shard, node, false));
    }
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
  void aHandOnEndsTheTermBeforeTheKeyGoesAndWritesNothingFenced() throws Exception {
    shards = List.of("a", "b", "c", "d");
    Node first = node("n1");
    awaitSpread("a lone node leads every shard", 4);
    node("n2");
    awaitSpread("two nodes share four shards", 2, 2);

    assertThat(first.elections().values())
        .as("fenced writes on the node that handed shards on")
        .allSatisfy(e -> assertThat(e.fencedWrites()).isZero());
    // Per shard, every term ended (its last save done) before the next one began anywhere.
    for (String shard : shards) {
      List<Event> of = events.stream().filter(ev -> ev.shard().equals(shard)).toList();
      for (int i = 0; i < of.size(); i++) {
        assertThat(of.get(i).began())
            .as("shard %s, event %d of %s: terms alternate begin/end", shard, i, of)
            .isEqualTo(i % 2 == 0);
      }
    }
    assertThat(handOns.get()).as("hand-ons").isGreaterThanOrEqualTo(2);
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
