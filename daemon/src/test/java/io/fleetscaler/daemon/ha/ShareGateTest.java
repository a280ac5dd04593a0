package io.fleetscaler.daemon.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The spreading gate's decisions with a fake clock and member set: a node's elections cannot take
 * more than its share between them, a shard is handed on only after the hold-down, and the
 * preferred-node assignment is the same on every node and balanced.
 */
class ShareGateTest {
  private static final long POLL = 1_000;
  private static final long TTL = 6_000;
  private static final long HOLD_DOWN = 30_000;

  private final AtomicLong clock = new AtomicLong(1_000_000);

  private ShareGate gate(String node, String... shards) {
    return new ShareGate(node, List.of(shards), clock::get, POLL, TTL, HOLD_DOWN);
  }

  @Test
  void twoElectionsCampaigningAtOnceCannotTakeMoreThanTheShare() {
    ShareGate g = gate("n1", "a", "b");
    g.members(Set.of("n1", "n2")); // share 1

    // Both keys absent for a poll: either shard may be taken by any node, but only one by this one.
    assertThat(g.mayCampaign("a", POLL)).isTrue();
    assertThat(g.mayCampaign("b", POLL)).as("b while a's campaign is under way").isFalse();

    g.released("a"); // a's campaign lost
    assertThat(g.mayCampaign("b", POLL)).isTrue();
    g.leading("b", true); // b's campaign won
    assertThat(g.mayCampaign("a", POLL)).as("a while leading b").isFalse();

    g.leading("b", false);
    assertThat(g.mayCampaign("a", POLL)).isTrue();
  }

  @Test
  void aShardNobodyLedForATtlIsTakenWhateverTheShareOrTheMemberView() {
    ShareGate g = gate("n1", "a", "b", "c");
    assertThat(g.mayCampaign("a", TTL - 1)).as("members not read, key absent < TTL").isFalse();
    assertThat(g.mayCampaign("a", TTL)).as("members not read, key absent a TTL").isTrue();
    g.leading("a", true);

    g.members(Set.of("n1", "n2", "n3")); // share 1, taken by a
    assertThat(g.mayCampaign("b", POLL)).as("over the share, key absent a poll").isFalse();
    assertThat(g.mayCampaign("b", TTL)).as("over the share, key absent a TTL").isTrue();
  }

  @Test
  void aStoppingNodeCampaignsForNothingAndHandsNothingOn() {
    ShareGate g = gate("n1", "a", "b", "c");
    g.members(Set.of("n1"));
    g.leading("a", true);
    clock.addAndGet(10);
    g.leading("b", true);
    g.members(Set.of("n1", "n2", "n3")); // share 1
    clock.addAndGet(HOLD_DOWN);
    assertThat(g.mayCampaign("c", TTL)).isTrue();
    g.released("c");
    assertThat(g.shouldResign("b")).isTrue();

    g.stopCampaigning();

    assertThat(g.mayCampaign("c", TTL * 10)).isFalse();
    assertThat(g.shouldResign("b")).isFalse();
  }

  @Test
  void noCampaignBeforeTheMembersWereReadAndThePreferredNodeGoesFirst() {
    ShareGate g = gate("n1", "a", "b", "c", "d");
    assertThat(g.mayCampaign("a", POLL)).as("members not read yet").isFalse();

    g.members(Set.of("n1", "n2"));
    Map<String, String> preferred =
        ShareGate.assignment(List.of("a", "b", "c", "d"), Set.of("n1", "n2"), 2);
    for (String shard : List.of("a", "b", "c", "d")) {
      boolean mine = "n1".equals(preferred.get(shard));
      assertThat(g.mayCampaign(shard, 0))
          .as("shard %s preferred here: %s", shard, mine)
          .isEqualTo(mine);
      g.released(shard);
    }
  }

  @Test
  void aNodeOverItsShareHandsOnItsYoungestShardOnlyAfterTheHoldDown() {
    ShareGate g = gate("n1", "a", "b");
    g.members(Set.of("n1"));
    g.leading("a", true);
    clock.addAndGet(10);
    g.leading("b", true);

    g.members(Set.of("n1", "n2")); // share 2 -> 1
    assertThat(g.shouldResign("b")).as("within the hold-down").isFalse();

    clock.addAndGet(HOLD_DOWN);
    assertThat(g.shouldResign("a")).as("the older term").isFalse();
    assertThat(g.shouldResign("b")).as("the youngest term").isTrue();
  }

  @Test
  void theAssignmentIsTheSameWhateverOrderTheNodesAndShardsAreSeenIn() {
    List<String> shards = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      shards.add("shard-" + i);
    }
    List<String> nodes = List.of("n1", "n2", "n3", "n4", "n5");
    Map<String, String> first = ShareGate.assignment(shards, new TreeSet<>(nodes), 3);
    Random random = new Random(7);
    for (int round = 0; round < 20; round++) {
      List<String> s = new ArrayList<>(shards);
      List<String> n = new ArrayList<>(nodes);
      Collections.shuffle(s, random);
      Collections.shuffle(n, random);
      assertThat(ShareGate.assignment(s, new LinkedHashSet<>(n), 3)).isEqualTo(first);
    }
  }

  @Test
  void theAssignmentGivesEveryShardANodeAndNoNodeMoreThanItsShare() {
    for (int nodeCount = 1; nodeCount <= 6; nodeCount++) {
      for (int shardCount = 1; shardCount <= 13; shardCount++) {
        List<String> shards = new ArrayList<>();
        for (int i = 0; i < shardCount; i++) {
          shards.add("s" + i);
        }
        Set<String> nodes = new TreeSet<>();
        for (int i = 0; i < nodeCount; i++) {
          nodes.add("node-" + i);
        }
        int share = (shardCount + nodeCount - 1) / nodeCount;
        Map<String, String> a = ShareGate.assignment(shards, nodes, share);
        assertThat(a.keySet()).containsExactlyInAnyOrderElementsOf(shards);
        Map<String, Integer> per = new HashMap<>();
        a.values().forEach(n -> per.merge(n, 1, Integer::sum));
        assertThat(per.values()).allSatisfy(c -> assertThat(c).isLessThanOrEqualTo(share));
        // Balanced: with the share as cap, every node gets share or share - 1 when it divides.
        if (shardCount % nodeCount == 0) {
          assertThat(per).hasSize(nodeCount);
          assertThat(per.values()).allSatisfy(c -> assertThat(c).isEqualTo(share));
        }
      }
    }
  }

  @Test
  void theRendezvousHashSpreadsShardsEvenlyWithoutACap() {
    List<String> shards = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      shards.add("shard-" + i);
    }
    Set<String> nodes = Set.of("a", "b", "c", "d");
    Map<String, Integer> per = new HashMap<>();
    ShareGate.assignment(shards, nodes, shards.size())
        .values()
        .forEach(n -> per.merge(n, 1, Integer::sum));
    // 1000 each expected; a fixed hash, so the counts are fixed too: this bounds its skew.
    assertThat(per.values()).allSatisfy(c -> assertThat(c).isBetween(850, 1150));
  }
}
