package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.GetBlockingReasonsRequest;
import io.fleetscaler.proto.v1.GetBlockingReasonsResponse;
import io.fleetscaler.proto.v1.GetFleetRequest;
import io.fleetscaler.proto.v1.GetFleetResponse;
import io.fleetscaler.proto.v1.GroupBlockingReasons;
import io.fleetscaler.proto.v1.GroupElsewhere;
import io.fleetscaler.proto.v1.GroupStatus;
import io.fleetscaler.proto.v1.NotLeader;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code fleetscaler status} against fake nodes of a sharded set on real sockets, answering as the
 * daemon's API gate does: a group's call at a node not leading its shard is turned away with that
 * shard's leader; a call naming no group is answered with the groups the node leads and the others
 * led elsewhere, or turned away with the first shard's leader by a node leading none.
 */
class StatusShardsCommandTest {
  private static final Map<String, String> SHARD_OF =
      new TreeMap<>(Map.of("home", "a-home", "eu-1", "eu"));
  private final Map<String, Node> leaderOf = new TreeMap<>();
  private final List<Node> nodes = new ArrayList<>();

  private static String shardOf(String group) {
    return SHARD_OF.getOrDefault(group, "");
  }

  private Node leaderOfShard(String shard) {
    return Objects.requireNonNull(leaderOf.get(shard), shard);
  }

  private final class Node extends FleetGrpc.FleetImplBase {
    final String name;
    final Server server;

    Node(String name) throws IOException {
      this.name = name;
      this.server =
          NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .addService(this)
              .build()
              .start();
      nodes.add(this);
    }

    String address() {
      return "127.0.0.1:" + server.getPort();
    }

    private boolean leads(String group) {
      return leaderOf.get(shardOf(group)) == this;
    }

    /** The refusal for {@code group}'s shard, or the first shard's for a call naming none. */
    private io.grpc.StatusRuntimeException notLeader(String group) {
      String shard = group.isEmpty() ? leaderOf.keySet().iterator().next() : shardOf(group);
      Node leader = leaderOfShard(shard);
      return StatusProto.toStatusRuntimeException(
          com.google.rpc.Status.newBuilder()
              .setCode(Code.UNAVAILABLE.getNumber())
              .setMessage("not the leader of " + shard)
              .addDetails(
                  Any.pack(
                      NotLeader.newBuilder()
                          .setNode(name)
                          .setLeaderNode(leader.name)
                          .setLeaderApiAddress(leader.address())
                          .setShard(shard)
                          .setGroup(group)
                          .build()))
              .build());
    }

    private List<String> groups(String asked) {
      return asked.isEmpty() ? List.copyOf(SHARD_OF.keySet()) : List.of(asked);
    }

    @Override
    public void getFleet(GetFleetRequest request, StreamObserver<GetFleetResponse> answer) {
      String asked = request.getGroup();
      if (asked.isEmpty() ? groups(asked).stream().noneMatch(this::leads) : !leads(asked)) {
        answer.onError(notLeader(asked));
        return;
      }
      GetFleetResponse.Builder fleet = GetFleetResponse.newBuilder();
      for (String g : groups(asked)) {
        if (leads(g)) {
          fleet.addGroups(GroupStatus.newBuilder().setName(g));
        } else {
          Node leader = leaderOfShard(shardOf(g));
          fleet.addElsewhere(
              GroupElsewhere.newBuilder()
                  .setGroup(g)
                  .setShard(shardOf(g))
                  .setLeaderNode(leader.name)
                  .setLeaderApiAddress(leader.address()));
        }
      }
      answer.onNext(fleet.build());
      answer.onCompleted();
    }

    @Override
    public void getBlockingReasons(
        GetBlockingReasonsRequest request, StreamObserver<GetBlockingReasonsResponse> answer) {
      String asked = request.getGroup();
      if (asked.isEmpty() ? groups(asked).stream().noneMatch(this::leads) : !leads(asked)) {
        answer.onError(notLeader(asked));
        return;
      }
      GetBlockingReasonsResponse.Builder why = GetBlockingReasonsResponse.newBuilder();
      for (String g : groups(asked)) {
        if (leads(g)) {
          why.addGroups(GroupBlockingReasons.newBuilder().setGroup(g).setPendingAcquisitions(7));
        }
      }
      answer.onNext(why.build());
      answer.onCompleted();
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (Node n : nodes) {
      n.server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theAskedNodesGroupsInFullAndTheOthersWithTheirShardsLeader() throws Exception {
    Node home = new Node("m-home");
    Node eu = new Node("m-eu");
    leaderOf.put("a-home", home);
    leaderOf.put("eu", eu);

    HostileInput.Outcome o = HostileInput.cli(List.of("status", "--address", home.address()));

    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.out())
        .startsWith("GROUP home  policy:")
        .contains("WHY WAITING  pending acquisitions 7")
        .doesNotContain("GROUP eu-1")
        .contains("LED ELSEWHERE\n")
        .contains("  eu-1   eu     m-eu    " + eu.address() + "\n")
        .doesNotContain("node ");
  }

  @Test
  void aGroupLedElsewhereIsAskedOfItsShardsLeader() throws Exception {
    Node home = new Node("m-home");
    Node eu = new Node("m-eu");
    leaderOf.put("a-home", home);
    leaderOf.put("eu", eu);

    HostileInput.Outcome o =
        HostileInput.cli(List.of("status", "--address", home.address(), "--group", "eu-1"));

    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.out())
        .startsWith("node m-home: standby; leader m-eu at " + eu.address() + "\n")
        .contains("node m-eu: leader (answered below)\n")
        .contains("GROUP eu-1  policy:")
        .doesNotContain("GROUP home")
        .doesNotContain("ELSEWHERE");
  }

  @Test
  void aNodeLeadingNoGroupSendsStatusToTheFirstShardsLeader() throws Exception {
    Node idle = new Node("m-idle");
    Node eu = new Node("m-eu");
    Node home = new Node("m-home");
    leaderOf.put("a-home", home);
    leaderOf.put("eu", eu);

    HostileInput.Outcome o = HostileInput.cli(List.of("status", "--address", idle.address()));

    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.out())
        .startsWith(
            "node m-idle: does not lead shard a-home; leader m-home at "
                + home.address()
                + "\nnode m-home: leader of shard a-home (answered below)\n")
        .contains("GROUP home  policy:")
        .contains("  eu-1   eu     m-eu    " + eu.address() + "\n");
  }

  @Test
  void theJsonFormCarriesTheGroupsLedElsewhere() throws Exception {
    Node home = new Node("m-home");
    Node eu = new Node("m-eu");
    leaderOf.put("a-home", home);
    leaderOf.put("eu", eu);

    HostileInput.Outcome o =
        HostileInput.cli(List.of("status", "--address", home.address(), "--json"));

    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.out())
        .contains("\"elsewhere\": [{")
        .contains("\"group\": \"eu-1\"")
        .contains("\"shard\": \"eu\"")
        .contains("\"leaderNode\": \"m-eu\"")
        .contains("\"leaderApiAddress\": \"" + eu.address() + "\"");
  }
}
