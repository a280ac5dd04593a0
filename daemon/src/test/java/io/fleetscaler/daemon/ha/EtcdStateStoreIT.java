package io.fleetscaler.daemon.ha;

import static io.fleetscaler.daemon.ha.EtcdTesting.BOUND;
import static io.fleetscaler.daemon.ha.EtcdTesting.await;
import static io.fleetscaler.daemon.ha.EtcdTesting.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.fleetscaler.core.slots.Holding;
import io.fleetscaler.core.state.StateStore;
import io.fleetscaler.core.state.StoredInstance;
import io.fleetscaler.core.state.StoredState;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.proto.etcd.LeaseRevokeRequest;
import io.fleetscaler.proto.etcd.RangeRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The etcd state store against a real etcd: round trips, fencing, leader change. */
class EtcdStateStoreIT {
  private static final String GROUP = "sim/eu/ci-runners";
  private static final Duration TTL = Duration.ofSeconds(2);
  private static EtcdServer etcd;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.start();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    etcd.close();
  }

  private static StoredInstance instance(String id, int claims, Holding... held) {
    ConnectInfo connect =
        new ConnectInfo(
            id,
            new ConnectorConfig(
                "linux",
                "amd64",
                Protocol.fromWireName("ssh"),
                22,
                "core",
                null,
                "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n",
                true,
                Duration.ofSeconds(30),
                Duration.ofMinutes(2)),
            "10.0.0.1",
            "203.0.113.1",
            Instant.parse("2026-12-06T02:00:00Z"));
    return new StoredInstance(id, claims, claims, null, List.of(held), connect);
  }

  private static StoredState state(StoredInstance... instances) {
    return new StoredState(GROUP, 2, List.of(instances));
  }

  private static List<StoredInstance> sorted(StoredState s) {
    List<StoredInstance> l = new ArrayList<>(s.instances());
    l.sort(Comparator.comparing(StoredInstance::id));
    return l;
  }

  private static LeaderElection leader(String prefix, String node) throws InterruptedException {
    LeaderElection e =
        LeaderElection.start(
            settings(etcd.endpoint(), prefix, node, TTL), new LeaderElection.Listener() {});
    await(node + " leads", BOUND, () -> e.role() == Role.LEADER);
    return e;
  }

  @Test
  void whatTheLeaderSavesLoadsBackWholeAndOnlyChangesAreRewritten(TestInfo info) throws Exception {
    String prefix = info.getTestMethod().orElseThrow().getName();
    try (LeaderElection a = leader(prefix, "a")) {
      StateStore store = a.stateStore(GROUP);
      assertThat(store.load()).isEmpty();
      StoredState one =
          state(
              instance("i-1", 3, new Holding("runner/job-1", 0, true)),
              instance("i-2", 0),
              new StoredInstance("i-3", 1, 1, "idle_time", List.of()));
      store.save(one);

      StoredState loaded = a.stateStore(GROUP).load().orElseThrow();
      assertThat(loaded.capacityPerInstance()).isEqualTo(2);
      assertThat(sorted(loaded)).isEqualTo(sorted(one));

      StoredState two = state(instance("i-1", 4, new Holding("runner/job-2", 1, false)));
      store.save(two);
      assertThat(sorted(a.stateStore(GROUP).load().orElseThrow())).isEqualTo(sorted(two));
      assertThat(keysUnder(prefix)).isEqualTo(2); // the group and i-1: i-2 and i-3 were deleted
    }
  }

  @Test
  void expectedCreationsSurviveALeaderChangeAndAreRewrittenWhenTheyChange(TestInfo info)
      throws Exception {
    String prefix = info.getTestMethod().orElseThrow().getName();
    Instant asked = Instant.parse("2026-12-06T05:00:00.123456789Z");
    Instant later = Instant.parse("2026-12-06T05:00:07Z");
    List<Instant> expected = List.of(asked, asked, later);
    StoredState withExpected = new StoredState(GROUP, 2, List.of(instance("i-1", 1)), expected);
    try (LeaderElection a = leader(prefix, "a")) {
      a.stateStore(GROUP).save(withExpected);
    }
    // The next leader (a new election, a new store) reads what the last one committed.
    try (LeaderElection b = leader(prefix, "b")) {
      StateStore store = b.stateStore(GROUP);
      StoredState loaded = store.load().orElseThrow();
      assertThat(loaded.expectedCreations()).containsExactlyElementsOf(expected);
      assertThat(sorted(loaded)).isEqualTo(sorted(withExpected));

      // The instances arrived: nothing is expected any more, and the group record says so.
      store.save(state(instance("i-1", 1), instance("i-2", 0), instance("i-3", 0)));
      assertThat(b.stateStore(GROUP).load().orElseThrow().expectedCreations()).isEmpty();
    }
  }

  @Test
  void aFleetLargerThanOneTransactionIsSavedInFencedParts(TestInfo info) throws Exception {
    String prefix = info.getTestMethod().orElseThrow().getName();
    try (LeaderElection a = leader(prefix, "a")) {
      StateStore store = a.stateStore(GROUP);
      StoredState big =
          new StoredState(
              GROUP,
              2,
              IntStream.range(0, 250)
                  .mapToObj(n -> instance("i-" + n, n % 5, new Holding("k" + n, 0, true)))
                  .toList());
      store.save(big);
      StoredState loaded = a.stateStore(GROUP).load().orElseThrow();
      assertThat(sorted(loaded)).isEqualTo(sorted(big));
      assertThat(loaded.holdings()).isEqualTo(250);
    }
  }

  @Test
  void aDeposedLeadersWriteFailsAndTheStateSurvivesTheLeaderChange(TestInfo info) throws Exception {
    String prefix = info.getTestMethod().orElseThrow().getName();
    StoredState committed = state(instance("i-1", 1, new Holding("runner/job-1", 0, true)));
    LeaderElection a = leader(prefix, "a");
    EtcdElection ea = (EtcdElection) a;
    Fence aTerm = ea.fence();
    assertThat(aTerm).isNotNull();
    a.stateStore(GROUP).save(committed);

    // a paused leader that has not noticed yet: its store still carries a's term
    AtomicInteger pausedRefused = new AtomicInteger();
    StateStore paused =
        new EtcdStateStore(
            ea.connection(),
            settings(etcd.endpoint(), prefix, "a", TTL).statePrefix(),
            GROUP,
            () -> aTerm,
            pausedRefused::incrementAndGet);
    paused.load();

    // a's lease ends (as after SIGSTOP past the TTL); b takes over
    revokeLeaseOfLeaderKey(prefix);
    try (LeaderElection b = leader(prefix, "b")) {
      StateStore bStore = b.stateStore(GROUP);
      StoredState takenOver = bStore.load().orElseThrow();
      assertThat(sorted(takenOver)).isEqualTo(sorted(committed));

      StoredState stale = state(instance("i-1", 1), instance("i-9", 0));
      assertThatThrownBy(() -> paused.save(stale))
          .isInstanceOf(FencedWriteException.class)
          .hasMessageContaining("has ended");
      assertThat(pausedRefused).hasValue(1);
      // a's own store, after a stepped down, refuses before asking etcd
      await("a steps down", BOUND, () -> a.role() == Role.STANDBY);
      long before = a.fencedWrites();
      assertThatThrownBy(() -> a.stateStore(GROUP).save(stale))
          .isInstanceOf(FencedWriteException.class);
      assertThat(a.fencedWrites()).isEqualTo(before + 1);
      assertThat(sorted(b.stateStore(GROUP).load().orElseThrow())).isEqualTo(sorted(committed));

      StoredState next = state(instance("i-1", 2), instance("i-2", 0));
      bStore.save(next);
      assertThat(sorted(b.stateStore(GROUP).load().orElseThrow())).isEqualTo(sorted(next));
    } finally {
      a.close();
    }
  }

  @Test
  void aStoreNeverReadsAnotherGroupsState(TestInfo info) throws Exception {
    String prefix = info.getTestMethod().orElseThrow().getName();
    try (LeaderElection a = leader(prefix, "a")) {
      a.stateStore(GROUP).save(state(instance("i-1", 1)));
      assertThat(a.stateStore("sim/eu/other").load()).isEmpty();
      assertThatThrownBy(() -> a.stateStore("sim/eu/other").save(state(instance("i-1", 1))))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static int keysUnder(String prefix) {
    try (EtcdConnection c = EtcdConnection.open(settings(etcd.endpoint(), prefix, "x", TTL))) {
      ByteString start = ByteString.copyFromUtf8("/fleetscaler-test/" + prefix + "/state/");
      byte[] end = start.toByteArray();
      end[end.length - 1]++;
      return (int)
          c.kv(Duration.ofSeconds(5))
              .range(
                  RangeRequest.newBuilder()
                      .setKey(start)
                      .setRangeEnd(ByteString.copyFrom(end))
                      .setCountOnly(true)
                      .build())
              .getCount();
    }
  }

  private static void revokeLeaseOfLeaderKey(String prefix) {
    HaSettings s = settings(etcd.endpoint(), prefix, "x", TTL);
    try (EtcdConnection c = EtcdConnection.open(s)) {
      long lease =
          c.kv(Duration.ofSeconds(5))
              .range(
                  RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(s.leaderKey())).build())
              .getKvs(0)
              .getLease();
      c.lease(Duration.ofSeconds(5))
          .leaseRevoke(LeaseRevokeRequest.newBuilder().setID(lease).build());
    }
  }
}
