package io.fleetscaler.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fleetscaler.proto.v1.AcquireRequest;
import io.fleetscaler.proto.v1.NotLeader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The client of a sharded high-availability set on real sockets: one leader per shard of groups,
 * learned from the {@code NotLeader} details; a hop or a failover of one shard moves that shard's
 * groups and no other.
 */
class FollowingShardedClientTest {

  private static String acquire(LeaderFollowingClient client, String group) {
    return client
        .call(
            group,
            s ->
                s.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .acquire(AcquireRequest.newBuilder().setGroup(group).setKey("k").build()))
        .getInstanceId();
  }

  private static FollowingApiClient connect(ShardedSet.Node start) {
    return (FollowingApiClient)
        LeaderFollowingClient.connect(ApiClientSettings.plaintext(start.address()));
  }

  @Test
  void eachGroupIsCalledAtItsOwnShardsLeaderAfterOneHopThenWithNone() throws Exception {
    try (ShardedSet set =
        new ShardedSet(Map.of("eu-1", "eu", "eu-2", "eu", "us-1", "us", "home", "home"))) {
      ShardedSet.Node seed = set.node("seed");
      ShardedSet.Node eu = set.node("m-eu");
      ShardedSet.Node us = set.node("m-us");
      set.lead("home", seed);
      set.lead("eu", eu);
      set.lead("us", us);
      try (FollowingApiClient client = connect(seed)) {
        assertThat(acquire(client, "eu-1")).isEqualTo("m-eu");
        assertThat(client.lastHops()).extracting(NotLeader::getShard).containsExactly("eu");
        assertThat(acquire(client, "us-1")).isEqualTo("m-us");
        assertThat(client.lastHops()).extracting(NotLeader::getGroup).containsExactly("us-1");
        assertThat(acquire(client, "home")).isEqualTo("seed");
        assertThat(client.lastHops()).isEmpty();

        assertThat(acquire(client, "eu-1")).isEqualTo("m-eu");
        assertThat(client.lastHops()).isEmpty();
        assertThat(acquire(client, "us-1")).isEqualTo("m-us");
        assertThat(client.lastHops()).isEmpty();
        assertThat(client.address("eu-1")).isEqualTo(eu.address());
        assertThat(client.address("us-1")).isEqualTo(us.address());
        assertThat(client.address()).as("calls naming no group stay").isEqualTo(seed.address());
        assertThat(client.openConnections()).as("one per node").isEqualTo(3);
        assertThat(seed.refused.get()).isEqualTo(2);
        assertThat(eu.refused.get() + us.refused.get()).isZero();

        // The shard moves: its old leader names the new one, and both its groups follow.
        ShardedSet.Node eu2 = set.node("m-eu-2");
        acquire(client, "eu-2"); // learns that eu-2 is in shard eu (one hop from the seed)
        set.lead("eu", eu2);
        assertThat(acquire(client, "eu-1")).isEqualTo("m-eu-2");
        assertThat(client.address("eu-2")).as("the sibling moved too").isEqualTo(eu2.address());
        assertThat(acquire(client, "eu-2")).isEqualTo("m-eu-2");
        assertThat(client.lastHops()).isEmpty();
        assertThat(client.address("us-1")).isEqualTo(us.address());
        assertThat(client.openConnections())
            .as("the connection to the old eu leader is closed")
            .isEqualTo(3);
      }
    }
  }

  @Test
  void aFailoverOfOneShardMovesOnlyThatShardsGroups() throws Exception {
    try (ShardedSet set = new ShardedSet(Map.of("eu-1", "eu", "eu-2", "eu", "us-1", "us"))) {
      ShardedSet.Node seed = set.node("seed");
      ShardedSet.Node eu = set.node("m-eu");
      ShardedSet.Node us = set.node("m-us");
      set.lead("eu", eu);
      set.lead("us", us);
      try (FollowingApiClient client = connect(seed)) {
        assertThat(acquire(client, "eu-1")).isEqualTo("m-eu");
        assertThat(acquire(client, "eu-2")).isEqualTo("m-eu");
        assertThat(acquire(client, "us-1")).isEqualTo("m-us");

        eu.kill();
        ShardedSet.Node next = set.node("m-eu-next");
        set.lead("eu", next);
        StatusRuntimeException e =
            catchThrowableOfType(StatusRuntimeException.class, () -> acquire(client, "eu-1"));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(client.address("eu-1")).isEqualTo(seed.address());
        assertThat(client.address("eu-2")).isEqualTo(seed.address());
        assertThat(client.address("us-1")).as("another shard stays").isEqualTo(us.address());
        int usRefusedBefore = us.refused.get();
        assertThat(acquire(client, "us-1")).isEqualTo("m-us");
        assertThat(client.lastHops()).isEmpty();

        // The caller retries: the seed names the new leader of eu.
        assertThat(acquire(client, "eu-1")).isEqualTo("m-eu-next");
        assertThat(client.lastHops()).extracting(NotLeader::getNode).containsExactly("seed");
        assertThat(acquire(client, "eu-2")).isEqualTo("m-eu-next");
        assertThat(client.lastHops()).isEmpty();
        assertThat(us.refused.get()).isEqualTo(usRefusedBefore);
        assertThat(client.openConnections()).isEqualTo(3);
      }
    }
  }

  @Test
  void nodesThatNameEachOtherInALoopCostAtMostMaxHopsPerCall() throws Exception {
    try (ShardedSet set = new ShardedSet(Map.of("g", "s"))) {
      ShardedSet.Node a = set.node("a");
      ShardedSet.Node b = set.node("b");
      // Each names the other: what two nodes with stale, crossed views of the election say.
      try (FollowingApiClient client = connect(a)) {
        set.lead("s", b);
        LoopingLeader loop = new LoopingLeader(set, a, b);
        StatusRuntimeException e =
            catchThrowableOfType(StatusRuntimeException.class, () -> loop.call(client));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(client.lastHops()).hasSize(LeaderFollowingClient.MAX_HOPS + 1);
        assertThat(a.refused.get() + b.refused.get()).isEqualTo(LeaderFollowingClient.MAX_HOPS + 1);
        assertThat(a.served.get() + b.served.get()).isZero();
      }
    }
  }

  /** Makes each node name the other as the leader before each call it refuses. */
  private record LoopingLeader(ShardedSet set, ShardedSet.Node a, ShardedSet.Node b) {
    String call(LeaderFollowingClient client) {
      return client
          .call(
              "g",
              s -> {
                // The node called next is told to name the one called before it.
                boolean atA = client.address("g").equals(a.address());
                set.lead("s", atA ? b : a);
                return s.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .acquire(AcquireRequest.newBuilder().setGroup("g").setKey("k").build());
              })
          .getInstanceId();
    }
  }

  @Test
  void manyThreadsOverManyGroupsAreEachAnsweredOnceByTheirLeader() throws Exception {
    Map<String, String> shardOf = new HashMap<>();
    for (int g = 0; g < 12; g++) {
      shardOf.put("g" + g, "s" + (g % 4));
    }
    try (ShardedSet set = new ShardedSet(shardOf)) {
      List<ShardedSet.Node> nodes = new ArrayList<>();
      for (int n = 0; n < 4; n++) {
        nodes.add(set.node("n" + n));
      }
      FollowingApiClient client = connect(nodes.getFirst());
      try {
        for (int phase = 0; phase < 4; phase++) {
          // Between phases every shard moves to another node (nodes 1..3; node 0 is the seed); in
          // the last, shard s0 moves once more while the calls run.
          for (int s = 0; s < 4; s++) {
            set.lead("s" + s, nodes.get(1 + (s + phase) % 3));
          }
          int served = 0;
          for (ShardedSet.Node n : nodes) {
            served += n.served.get();
          }
          int threads = 16;
          int callsEach = 60;
          boolean moveDuringCalls = phase == 3;
          ShardedSet.Node moveTo = nodes.get(1 + (phase + 1) % 3);
          AtomicInteger done = new AtomicInteger();
          ExecutorService pool = Executors.newFixedThreadPool(threads);
          List<Future<Integer>> results = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            int thread = t;
            results.add(
                pool.submit(
                    () -> {
                      int right = 0;
                      for (int i = 0; i < callsEach; i++) {
                        String group = "g" + ((thread * 7 + i) % 12);
                        if (moveDuringCalls && done.incrementAndGet() == threads * callsEach / 2) {
                          set.lead("s0", moveTo);
                        }
                        // The leader when the call started, or when it ended (s0 may move).
                        String before = set.leaderOfGroup(group);
                        String by = acquire(client, group);
                        if (by.equals(before) || by.equals(set.leaderOfGroup(group))) {
                          right++;
                        }
                      }
                      return right;
                    }));
          }
          int right = 0;
          for (Future<Integer> r : results) {
            right += r.get(120, TimeUnit.SECONDS);
          }
          pool.shutdown();
          assertThat(right)
              .as("every call answered by its group's leader")
              .isEqualTo(threads * callsEach);
          int servedNow = 0;
          for (ShardedSet.Node n : nodes) {
            servedNow += n.served.get();
          }
          assertThat(servedNow - served).as("answered exactly once").isEqualTo(threads * callsEach);
          Set<String> leaders = new HashSet<>();
          leaders.add(nodes.getFirst().address());
          for (int g = 0; g < 12; g++) {
            leaders.add(client.address("g" + g));
          }
          assertThat(client.openConnections())
              .as("one connection per node a route points at, no other")
              .isEqualTo(leaders.size());
        }
      } finally {
        client.close();
      }
      assertThat(client.openConnections()).as("all closed").isZero();
    }
  }
}
