package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.proto.v1.GetBlockingReasonsResponse;
import io.fleetscaler.proto.v1.GetFleetResponse;
import io.fleetscaler.proto.v1.GroupElsewhere;
import io.fleetscaler.proto.v1.GroupStatus;
import org.junit.jupiter.api.Test;

/**
 * {@code fleetscaler status} of a sharded high-availability set: the groups the node leads in full,
 * then every other group with its shard and the shard's leader.
 */
class StatusTableShardsTest {

  private static String render(GetFleetResponse fleet) {
    return StatusTable.render(
        fleet, GetBlockingReasonsResponse.getDefaultInstance(), StatusTableStandbyTest.NOW);
  }

  @Test
  void groupsLedElsewhereAreListedWithTheirShardAndLeader() {
    GetFleetResponse fleet =
        GetFleetResponse.newBuilder()
            .addGroups(GroupStatus.newBuilder().setName("home").setShard("main"))
            .addElsewhere(
                GroupElsewhere.newBuilder()
                    .setGroup("eu-1")
                    .setShard("eu")
                    .setLeaderNode("manager-2")
                    .setLeaderApiAddress("10.0.0.12:9403"))
            .addElsewhere(GroupElsewhere.newBuilder().setGroup("us-east-1").setShard("us"))
            .build();
    String out = render(fleet);
    assertThat(out).startsWith("GROUP home (shard main)  policy:");
    assertThat(out)
        .endsWith(
            """

            LED ELSEWHERE
              GROUP      SHARD  LEADER                            ADDRESS
              eu-1       eu     manager-2                         10.0.0.12:9403
              us-east-1  us     (none known: election under way)  -
            """);
  }

  @Test
  void aNodeLeadingNoneOfTheGroupsAskedListsOnlyWhereTheyAre() {
    GetFleetResponse fleet =
        GetFleetResponse.newBuilder()
            .addElsewhere(
                GroupElsewhere.newBuilder()
                    .setGroup("eu-1")
                    .setShard("eu")
                    .setLeaderNode("manager-2")
                    .setLeaderApiAddress("10.0.0.12:9403"))
            .build();
    assertThat(render(fleet)).startsWith("LED ELSEWHERE\n").doesNotContain("GROUP eu-1");
  }

  @Test
  void aSetWithOneShardReadsAsBefore() {
    GetFleetResponse fleet =
        GetFleetResponse.newBuilder().addGroups(GroupStatus.newBuilder().setName("home")).build();
    assertThat(render(fleet))
        .doesNotContain("ELSEWHERE")
        .doesNotContain("SHARD")
        .endsWith("RECENT DECISIONS  none\n");
  }
}
