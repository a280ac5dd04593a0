package io.fleetscaler.daemon.ha;

import static io.fleetscaler.daemon.ha.EtcdTesting.BOUND;
import static io.fleetscaler.daemon.ha.EtcdTesting.await;
import static io.fleetscaler.daemon.ha.EtcdTesting.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.core.slots.Holding;
import io.fleetscaler.core.state.StoredInstance;
import io.fleetscaler.core.state.StoredState;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** etcd itself stopped and started again under a leader. */
class EtcdRestartIT {
  private static final Duration TTL = Duration.ofSeconds(2);

  @Test
  void theLeaderStopsActingWhileEtcdIsDownAndNothingIsLostAcrossTheRestart() throws Exception {
    try (EtcdServer etcd = EtcdServer.start()) {
      LeaderElection a =
          LeaderElection.start(
              settings(etcd.endpoint(), "restart", "a", TTL), new LeaderElection.Listener() {});
      LeaderElection b =
          LeaderElection.start(
              settings(etcd.endpoint(), "restart", "b", TTL), new LeaderElection.Listener() {});
      try {
        await("a leader", BOUND, () -> a.role() == Role.LEADER || b.role() == Role.LEADER);
        LeaderElection leader = a.role() == Role.LEADER ? a : b;
        StoredState state =
            new StoredState(
                "g",
                1,
                List.of(
                    new StoredInstance("i-1", 2, 1, null, List.of(new Holding("job-1", 0, true)))));
        leader.stateStore("g").save(state);

        etcd.stop();
        // No node can prove its lease: the guard runs out (acquisitions and plugin calls stop),
        // and a write cannot commit.
        await("the guard lapses", BOUND, () -> !a.guard().holds() && !b.guard().holds());
        assertThatThrownBy(() -> leader.stateStore("g").save(state))
            .isInstanceOf(IOException.class);

        etcd.startAgain();
        await(
            "one leader again",
            BOUND,
            () -> (a.guard().holds() ? 1 : 0) + (b.guard().holds() ? 1 : 0) == 1);
        LeaderElection now = a.guard().holds() ? a : b;
        StoredState loaded = now.stateStore("g").load().orElseThrow();
        assertThat(loaded.instances()).isEqualTo(state.instances());
        now.stateStore("g").save(state);
      } finally {
        a.close();
        b.close();
      }
    }
  }
}
