package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fleetscaler.core.lease.LeaseGuard;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.core.state.StateStore;
import io.fleetscaler.daemon.api.ApiServer;
import io.fleetscaler.daemon.api.ApiServerSettings;
import io.fleetscaler.daemon.ha.HaApi;
import io.fleetscaler.daemon.ha.Leader;
import io.fleetscaler.daemon.ha.LeaderElection;
import io.fleetscaler.daemon.ha.Role;
import io.fleetscaler.proto.v1.FleetEvent;
import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.GetBlockingReasonsRequest;
import io.fleetscaler.proto.v1.GetFleetRequest;
import io.fleetscaler.proto.v1.GetFleetResponse;
import io.fleetscaler.proto.v1.GroupElsewhere;
import io.fleetscaler.proto.v1.GroupStatus;
import io.fleetscaler.proto.v1.NotLeader;
import io.fleetscaler.proto.v1.ReserveRequest;
import io.fleetscaler.proto.v1.WatchFleetRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sharded set's API routes each call by the group it names: served here while this node leads the
 * group's shard, else {@code UNAVAILABLE} naming that shard's leader; GetFleet lists the groups led
 * elsewhere with their leaders.
 */
class ShardRoutesTest {
  /** A fake election: the test says who leads. */
  static final class FakeElection implements LeaderElection {
    volatile @Nullable Leader leader;

    @Override
    public Role role() {
      return Role.STANDBY;
    }

    @Override
    public Optional<Leader> leader() {
      return Optional.ofNullable(leader);
    }

    @Override
    public long transitions() {
      return 0;
    }

    @Override
    public long fencedWrites() {
      return 0;
    }

    @Override
    public StateStore stateStore(String groupId) {
      throw new UnsupportedOperationException("not needed here");
    }

    @Override
    public LeaseGuard guard() {
      return () -> false;
    }

    @Override
    public Duration guardRemaining() {
      return Duration.ZERO;
    }

    @Override
    public void close() {}
  }

  /** A shard whose serving the test sets; its answers are the real ones of {@link HaApi}. */
  static final class FakeShard implements ShardRoutes.Shard {
    final String name;
    final FakeElection election = new FakeElection();
    volatile boolean serving;

    FakeShard(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean serving() {
      return serving;
    }

    @Override
    public StatusRuntimeException notLeader(String group) {
      return HaApi.notLeader(election, "b", name, group);
    }
  }

  private final FakeShard eu = new FakeShard("eu");
  private final FakeShard us = new FakeShard("us");
  private ApiServer api;
  private ManagedChannel channel;

  @BeforeEach
  void start() {
    Map<String, TaskScaler> groups = new LinkedHashMap<>();
    for (String g : List.of("eu-1", "us-1", "eu-2")) {
      groups.put(g, new TermScaler(g, List.of(Policy.of(0))));
    }
    ShardRoutes routes = new ShardRoutes(Map.of("eu-1", eu, "us-1", us, "eu-2", eu), eu);
    api = ApiServer.start(ApiServerSettings.loopback("127.0.0.1:0"), groups, Map.of(), routes);
    InetSocketAddress at = api.address();
    channel = NettyChannelBuilder.forAddress(at).usePlaintext().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    api.close();
  }

  private FleetGrpc.FleetBlockingStub stub() {
    return FleetGrpc.newBlockingStub(channel);
  }

  private StatusRuntimeException reserve(String group) {
    return catchThrowableOfType(
        StatusRuntimeException.class,
        () -> stub().reserve(ReserveRequest.newBuilder().setGroup(group).setKey("k").build()));
  }

  @Test
  void aGroupOfAShardLedElsewhereIsAnsweredWithThatShardsLeader() {
    eu.election.leader = new Leader("a", "10.0.0.1:9403");
    us.serving = true;

    StatusRuntimeException e = reserve("eu-2");

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getStatus().getDescription())
        .isEqualTo(
            "this node (b) stands by for group eu-2 (shard eu); the leader is a at 10.0.0.1:9403");
    NotLeader detail = HaApi.notLeader(e).orElseThrow();
    assertThat(detail.getNode()).isEqualTo("b");
    assertThat(detail.getLeaderNode()).isEqualTo("a");
    assertThat(detail.getLeaderApiAddress()).isEqualTo("10.0.0.1:9403");
    assertThat(detail.getShard()).isEqualTo("eu");
    assertThat(detail.getGroup()).isEqualTo("eu-2");
  }

  @Test
  void aGroupOfAShardLedHereGetsPastTheRoutes() {
    us.serving = true;

    // The shard is served: the call reaches the group's scaler (which, with no term in this test,
    // answers retry without naming any leader).
    StatusRuntimeException e = reserve("us-1");

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getStatus().getDescription())
        .isEqualTo("group us-1: this node does not lead now; retry");
    assertThat(HaApi.notLeader(e)).isEmpty();
  }

  @Test
  void withoutAKnownLeaderTheDetailNamesTheShardAndSaysRetry() {
    StatusRuntimeException e = reserve("us-1");

    assertThat(e.getStatus().getDescription())
        .isEqualTo(
            "this node (b) stands by for group us-1 (shard us) and no leader is known yet; retry");
    NotLeader detail = HaApi.notLeader(e).orElseThrow();
    assertThat(detail.getLeaderNode()).isEmpty();
    assertThat(detail.getShard()).isEqualTo("us");
    assertThat(detail.getGroup()).isEqualTo("us-1");
  }

  @Test
  void getFleetListsTheGroupsLedHereAndWhereTheOthersAre() {
    us.serving = true;
    eu.election.leader = new Leader("a", "10.0.0.1:9403");

    GetFleetResponse r = stub().getFleet(GetFleetRequest.getDefaultInstance());

    assertThat(r.getGroupsList()).extracting(GroupStatus::getName).containsExactly("us-1");
    assertThat(r.getGroups(0).getShard()).isEqualTo("us");
    assertThat(r.getElsewhereList())
        .containsExactly(
            GroupElsewhere.newBuilder()
                .setGroup("eu-1")
                .setShard("eu")
                .setLeaderNode("a")
                .setLeaderApiAddress("10.0.0.1:9403")
                .build(),
            GroupElsewhere.newBuilder()
                .setGroup("eu-2")
                .setShard("eu")
                .setLeaderNode("a")
                .setLeaderApiAddress("10.0.0.1:9403")
                .build());
  }

  @Test
  void aNodeThatLeadsNoShardAnswersACallNamingNoGroupWithTheFirstShard() {
    eu.election.leader = new Leader("a", "10.0.0.1:9403");
    us.election.leader = new Leader("c", "10.0.0.3:9403");

    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub().getFleet(GetFleetRequest.getDefaultInstance()));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    NotLeader detail = HaApi.notLeader(e).orElseThrow();
    assertThat(detail.getShard()).isEqualTo("eu");
    assertThat(detail.getGroup()).isEmpty();
    assertThat(detail.getLeaderNode()).isEqualTo("a");
  }

  @Test
  void blockingReasonsAreRoutedByGroupToo() {
    us.serving = true;
    eu.election.leader = new Leader("a", "10.0.0.1:9403");

    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub()
                    .getBlockingReasons(
                        GetBlockingReasonsRequest.newBuilder().setGroup("eu-1").build()));
    assertThat(HaApi.notLeader(e).orElseThrow().getGroup()).isEqualTo("eu-1");

    assertThat(
            stub()
                .getBlockingReasons(GetBlockingReasonsRequest.getDefaultInstance())
                .getGroupsList())
        .hasSize(1);
  }

  private Iterator<FleetEvent> watch(String group) {
    // Bounded: a watch that never ends fails the test with DEADLINE_EXCEEDED.
    return stub()
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .watchFleet(WatchFleetRequest.newBuilder().setGroup(group).build());
  }

  @Test
  void aWatchOfEveryGroupStreamsOnlyTheGroupsLedHere() {
    us.serving = true;

    Iterator<FleetEvent> events = watch("");

    // In configuration order eu-1 would come first: a shard led elsewhere is not streamed.
    assertThat(events.next().getStatus().getName()).isEqualTo("us-1");
    eu.serving = true; // the node now leads eu too: its groups follow
    assertThat(events.next().getStatus().getName()).isIn("eu-1", "eu-2");
  }

  @Test
  void aWatchOfOneGroupEndsWithItsShardsLeaderOnceTheShardIsLedElsewhere() {
    us.serving = true;
    Iterator<FleetEvent> events = watch("us-1");
    assertThat(events.next().getStatus().getName()).isEqualTo("us-1");

    us.serving = false;
    us.election.leader = new Leader("c", "10.0.0.3:9403");
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> {
              while (events.hasNext()) {
                var unused = events.next();
              }
            });

    assertThat(e).as("the watch ended with an error").isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    NotLeader detail = HaApi.notLeader(e).orElseThrow();
    assertThat(detail.getShard()).isEqualTo("us");
    assertThat(detail.getGroup()).isEqualTo("us-1");
    assertThat(detail.getLeaderNode()).isEqualTo("c");
  }
}
