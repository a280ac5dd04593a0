package io.fleetscaler.daemon.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fleetscaler.core.lease.LeaseGuard;
import io.fleetscaler.core.state.StateStore;
import io.fleetscaler.proto.v1.AcquireRequest;
import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.NotLeader;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HaApiTest {
  /** A recording fake of the election: the test sets what it says. */
  static final class FakeElection implements LeaderElection {
    volatile Role role = Role.STANDBY;
    volatile boolean holds;
    volatile @Nullable Leader leader;
    volatile long transitions;
    volatile long fencedWrites;

    @Override
    public Role role() {
      return role;
    }

    @Override
    public Optional<Leader> leader() {
      return Optional.ofNullable(leader);
    }

    @Override
    public long transitions() {
      return transitions;
    }

    @Override
    public long fencedWrites() {
      return fencedWrites;
    }

    @Override
    public StateStore stateStore(String groupId) {
      throw new UnsupportedOperationException("not needed here");
    }

    @Override
    public LeaseGuard guard() {
      return () -> holds;
    }

    @Override
    public Duration guardRemaining() {
      return holds ? Duration.ofMinutes(1) : Duration.ZERO;
    }

    @Override
    public void close() {}
  }

  private final FakeElection election = new FakeElection();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    // No method is implemented: a call that passes the gate ends UNIMPLEMENTED.
    server =
        InProcessServerBuilder.forName(name)
            .addService(
                ServerInterceptors.intercept(
                    new FleetGrpc.FleetImplBase() {}, HaApi.standbyGate(election, "b")))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private StatusRuntimeException acquire() {
    return catchThrowableOfType(
        StatusRuntimeException.class,
        () ->
            FleetGrpc.newBlockingStub(channel)
                .acquire(AcquireRequest.newBuilder().setGroup("g").setKey("k").build()));
  }

  @Test
  void aStandbyAnswersUnavailableNamingTheLeader() {
    election.leader = new Leader("a", "10.0.0.1:9403");

    StatusRuntimeException e = acquire();

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getStatus().getDescription())
        .isEqualTo("this node (b) stands by; the leader is a at 10.0.0.1:9403");
    NotLeader detail = HaApi.notLeader(e).orElseThrow();
    assertThat(detail.getNode()).isEqualTo("b");
    assertThat(detail.getLeaderNode()).isEqualTo("a");
    assertThat(detail.getLeaderApiAddress()).isEqualTo("10.0.0.1:9403");
  }

  @Test
  void withoutAKnownLeaderTheDetailSaysRetry() {
    StatusRuntimeException e = acquire();

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getStatus().getDescription()).contains("no leader is known yet");
    assertThat(HaApi.notLeader(e).orElseThrow().getLeaderApiAddress()).isEmpty();
  }

  @Test
  void aLeaderUnsureOfItsLeaseServesNothing() {
    election.role = Role.LEADER;
    election.leader = new Leader("b", "127.0.0.1:9403");

    StatusRuntimeException e = acquire();

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getStatus().getDescription()).contains("cannot be sure its leader lease");
  }

  @Test
  void aSureLeaderLetsCallsThrough() {
    election.role = Role.LEADER;
    election.holds = true;

    StatusRuntimeException e = acquire();

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(HaApi.notLeader(e)).isEmpty();
  }

  @Test
  void theMetersFollowTheElection() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    HaMeters meters = HaMeters.create(registry);
    meters.bind(registry, election);
    meters.renewed(Duration.ofMillis(3));

    assertThat(registry.get("fleetscaler.ha.leader").gauge().value()).isZero();
    election.role = Role.LEADER;
    election.holds = true;
    election.transitions = 1;
    election.fencedWrites = 2;
    assertThat(registry.get("fleetscaler.ha.leader").gauge().value()).isEqualTo(1);
    assertThat(registry.get("fleetscaler.ha.transitions").functionCounter().count()).isEqualTo(1);
    assertThat(registry.get("fleetscaler.ha.fenced.writes").functionCounter().count()).isEqualTo(2);
    assertThat(registry.get("fleetscaler.ha.lease.renew").timer().count()).isEqualTo(1);
  }
}
