package io.fleetscaler.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.proto.v1.NotLeader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The client's routing table under any sequence of answers and lost nodes: groups of one shard go
 * to one address, a hop moves no group of another shard, a lost node is pointed at by no route, and
 * every address a route points at is one a node named (or the start).
 */
class RouteTableTest {
  private static final String START = "start:1";
  private static final List<String> GROUPS = List.of("", "a1", "a2", "b1", "old");
  private static final Map<String, String> SHARD =
      Map.of("", "a", "a1", "a", "a2", "a", "b1", "b", "old", "");
  private static final List<String> NODES = List.of(START, "n1:1", "n2:1", "n3:1");

  /** A node's answer for a group (to a call at the group's current address, or a stale one). */
  record Answer(String group, boolean stale, String leader) {}

  /** The node at an address was lost. */
  record Lost(String address) {}

  @Provide
  Arbitrary<List<Object>> events() {
    Arbitrary<Object> answer =
        Combinators.combine(
                Arbitraries.of(GROUPS),
                Arbitraries.of(true, false, false),
                Arbitraries.of("", "n1:1", "n2:1", "n3:1", START))
            .as(Answer::new);
    Arbitrary<Object> lost = Arbitraries.of(NODES).map(Lost::new);
    return Arbitraries.frequencyOf(Tuple.of(4, answer), Tuple.of(1, lost)).list().ofMaxSize(40);
  }

  @Property
  void routesStayPerShardAndForgetLostNodes(@ForAll("events") List<Object> events) {
    RouteTable table = new RouteTable(START);
    Map<String, String> learned = new HashMap<>();
    for (Object event : events) {
      Map<String, String> before = new HashMap<>();
      for (String g : GROUPS) {
        before.put(g, table.addressOf(g));
      }
      if (event instanceof Answer a) {
        String from = a.stale() ? "elsewhere:1" : table.addressOf(a.group());
        String shard = SHARD.getOrDefault(a.group(), "");
        NotLeader.Builder detail =
            NotLeader.newBuilder().setNode("n").setShard(shard).setGroup(a.group());
        if (!a.leader().isEmpty()) {
          detail.setLeaderNode("l").setLeaderApiAddress(a.leader());
        }
        table.learn(a.group(), from, detail.build());
        if (!shard.isEmpty()) {
          learned.put(a.group(), shard);
        }
        if (!a.stale() && !a.leader().isEmpty()) {
          assertThat(table.addressOf(a.group())).isEqualTo(a.leader());
        }
        if (a.stale()) {
          for (String g : GROUPS) {
            if (!g.equals(a.group())) {
              assertThat(table.addressOf(g))
                  .as("a stale answer moves no other group")
                  .isEqualTo(before.get(g));
            }
          }
        }
        for (String g : GROUPS) {
          boolean sameShard = !shard.isEmpty() && shard.equals(learned.get(g));
          if (!g.equals(a.group()) && !sameShard) {
            assertThat(table.addressOf(g))
                .as("a hop for %s moves no group of another shard", a.group())
                .isEqualTo(before.get(g));
          }
        }
      } else if (event instanceof Lost l) {
        table.gone(l.address());
        if (!l.address().equals(START)) {
          for (String g : GROUPS) {
            assertThat(table.addressOf(g)).isNotEqualTo(l.address());
          }
        }
      }
      for (String g : GROUPS) {
        for (String h : GROUPS) {
          String shardOfG = learned.get(g);
          if (shardOfG != null && shardOfG.equals(learned.get(h))) {
            assertThat(table.addressOf(g)).isEqualTo(table.addressOf(h));
          }
        }
        assertThat(table.addresses()).contains(table.addressOf(g));
      }
      assertThat(NODES).containsAll(table.addresses());
    }
  }
}
