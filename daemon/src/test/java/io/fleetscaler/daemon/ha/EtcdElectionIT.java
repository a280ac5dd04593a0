package io.fleetscaler.daemon.ha;

import static io.fleetscaler.daemon.ha.EtcdTesting.BOUND;
import static io.fleetscaler.daemon.ha.EtcdTesting.await;
import static io.fleetscaler.daemon.ha.EtcdTesting.settings;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.fleetscaler.proto.etcd.KeyValue;
import io.fleetscaler.proto.etcd.LeaseRevokeRequest;
import io.fleetscaler.proto.etcd.RangeRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Leader election against a real etcd on 127.0.0.1. */
class EtcdElectionIT {
  private static EtcdServer etcd;
  private final List<LeaderElection> nodes = new ArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private String prefix = "";

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.start();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    etcd.close();
  }

  @AfterEach
  void closeNodes() {
    nodes.forEach(LeaderElection::close);
  }

  private LeaderElection node(String name, Duration ttl) {
    return node(name, ttl, null);
  }

  /** A node that polls every {@code poll} (null: the default) and watches the leader key. */
  private LeaderElection node(String name, Duration ttl, @Nullable Duration poll) {
    HaSettings s = settings(etcd.endpoint(), prefix, name, ttl);
    LeaderElection e =
        EtcdElection.start(
            s,
            new LeaderElection.Listener() {
              @Override
              public void elected() {
                events.add(name + " elected");
              }

              @Override
              public void deposed(String why) {
                events.add(name + " deposed: " + why);
              }
            },
            poll);
    nodes.add(e);
    return e;
  }

  private List<LeaderElection> leaders() {
    return nodes.stream().filter(n -> n.role() == Role.LEADER).toList();
  }

  private void usePrefix(TestInfo info) {
    prefix = info.getTestMethod().orElseThrow().getName();
  }

  @Test
  void threeNodesElectOneLeaderThatTheOthersSee(TestInfo info) throws Exception {
    usePrefix(info);
    Duration ttl = Duration.ofSeconds(3);
    node("a", ttl);
    node("b", ttl);
    node("c", ttl);

    await("one leader", BOUND, () -> leaders().size() == 1);
    LeaderElection leader = leaders().get(0);
    String name = leader.leader().orElseThrow().node();
    await(
        "every node sees " + name,
        BOUND,
        () ->
            nodes.stream().allMatch(n -> n.leader().map(l -> l.node().equals(name)).orElse(false)));
    for (LeaderElection n : nodes) {
      assertThat(n.leader().orElseThrow()).isEqualTo(leader.leader().orElseThrow());
      assertThat(n.guard().holds()).isEqualTo(n.role() == Role.LEADER);
    }
    assertThat(leader.leader().orElseThrow().apiAddress()).startsWith("127.0.0.1:");
    assertThat(leaders()).hasSize(1);
  }

  @Test
  void aCleanShutdownResignsAtOnceWithoutWaitingForTheTtl(TestInfo info) throws Exception {
    usePrefix(info);
    // A TTL far beyond the bound below: a standby that leads within the bound did not wait for
    // the lease to expire, so the leader key was deleted by the resignation.
    Duration ttl = Duration.ofSeconds(60);
    node("a", ttl);
    await("a leads", BOUND, () -> leaders().size() == 1);
    LeaderElection first = leaders().get(0);
    node("b", ttl);
    await("b stands by", BOUND, () -> nodes.get(1).leader().isPresent());

    first.close();

    assertThat(first.guard().holds()).isFalse();
    assertThat(first.role()).isEqualTo(Role.STANDBY);
    await(
        "b leads",
        Duration.ofSeconds(15),
        () -> nodes.get(1).role() == Role.LEADER && events.size() == 3);
    assertThat(events).containsExactly("a elected", "a deposed: resigned", "b elected");
    assertThat(first.transitions()).isEqualTo(2);
  }

  @Test
  void aStandbyThatNeverPollsLeadsOnTheWatchedDeletionOfTheLeaderKey(TestInfo info)
      throws Exception {
    usePrefix(info);
    // Neither the TTL nor the standby's poll can end within the bound below: only the watch on
    // the leader key can tell b that a resigned.
    Duration ttl = Duration.ofSeconds(60);
    Duration never = Duration.ofHours(1);
    LeaderElection a = node("a", ttl);
    await("a leads", BOUND, () -> a.role() == Role.LEADER);
    LeaderElection b = node("b", ttl, never);
    LeaderElection c = node("c", ttl, never);
    await(
        "b and c see a",
        BOUND,
        () ->
            Stream.of(b, c).allMatch(n -> n.leader().map(l -> l.node().equals("a")).orElse(false)));

    a.close();

    // (the listener hears of a term just after the role changes: wait for both)
    await(
        "b or c leads", Duration.ofSeconds(15), () -> leaders().size() == 1 && events.size() == 3);
    String name = leaders().get(0).leader().orElseThrow().node();
    LeaderElection other = name.equals("b") ? c : b;
    // The other standby learns of the new leader from the watch too, not of the resigned one.
    await(
        "the other standby names " + name,
        Duration.ofSeconds(15),
        () -> other.leader().map(l -> l.node().equals(name)).orElse(false));
    assertThat(events).containsExactly("a elected", "a deposed: resigned", name + " elected");
  }

  @Test
  void aLeaderWhoseLeaseEndsStopsActingAndAStandbyLeads(TestInfo info) throws Exception {
    usePrefix(info);
    Duration ttl = Duration.ofSeconds(2);
    LeaderElection a = node("a", ttl);
    await("a leads", BOUND, () -> a.role() == Role.LEADER);
    LeaderElection b = node("b", ttl);
    await("b sees a", BOUND, () -> b.leader().isPresent());

    // What a partition or an expiry looks like from etcd's side: the lease is gone.
    try (EtcdConnection admin = EtcdConnection.open(settings(etcd.endpoint(), prefix, "x", ttl))) {
      KeyValue key =
          admin
              .kv(Duration.ofSeconds(5))
              .range(
                  RangeRequest.newBuilder()
                      .setKey(ByteString.copyFromUtf8(settingsKey(ttl)))
                      .build())
              .getKvs(0);
      admin
          .lease(Duration.ofSeconds(5))
          .leaseRevoke(LeaseRevokeRequest.newBuilder().setID(key.getLease()).build());
    }

    await("a steps down", BOUND, () -> events.stream().anyMatch(e -> e.startsWith("a deposed")));
    assertThat(events.get(0)).isEqualTo("a elected");
    // Then one of the two leads a new term (a may win it again: it campaigns like any standby).
    // b watches the key, so it may win before a hears that its lease was revoked: a revoked lease
    // reaches the old leader at its next keep-alive answer or key event (its writes are fenced).
    await("a new term", BOUND, () -> events.size() >= 3 && leaders().size() == 1);
    List<String> after = events.subList(1, 3);
    assertThat(after).filteredOn(e -> e.startsWith("a deposed: ")).hasSize(1);
    assertThat(after)
        .filteredOn(e -> e.endsWith(" elected"))
        .singleElement()
        .isIn("a elected", "b elected");
    assertThat(leaders()).hasSize(1);
    assertThat(a.guard().holds()).isEqualTo(a.role() == Role.LEADER);
  }

  private String settingsKey(Duration ttl) {
    return settings(etcd.endpoint(), prefix, "x", ttl).leaderKey();
  }
}
