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
    HaSettings s = settings(etcd.endpoint(), prefix, name, ttl);
    LeaderElection e =
        LeaderElection.start(
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
            });
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
    await("b leads", Duration.ofSeconds(15), () -> nodes.get(1).role() == Role.LEADER);
    assertThat(events).containsExactly("a elected", "a deposed: resigned", "b elected");
    assertThat(first.transitions()).isEqualTo(2);
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
    assertThat(events.get(1)).startsWith("a deposed: ");
    // Then one of the two leads a new term (a may win it again: it campaigns like any standby).
    await("a new term", BOUND, () -> events.size() >= 3 && leaders().size() == 1);
    assertThat(events.get(2)).isIn("a elected", "b elected");
    assertThat(leaders()).hasSize(1);
    assertThat(a.guard().holds()).isEqualTo(a.role() == Role.LEADER);
  }

  private String settingsKey(Duration ttl) {
    return settings(etcd.endpoint(), prefix, "x", ttl).leaderKey();
  }
}
