package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.fleetscaler.proto.v1.GetBlockingReasonsResponse;
import io.fleetscaler.proto.v1.GetFleetResponse;
import io.fleetscaler.proto.v1.GroupStatus;
import io.fleetscaler.proto.v1.StandbyPool;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code fleetscaler status} shows each group's standby pool, and an older daemon's answer. */
class StatusTableStandbyTest {

  static final Instant NOW = Instant.parse("2026-12-06T07:00:00Z");

  static String render(GetFleetResponse fleet) {
    return StatusTable.render(fleet, GetBlockingReasonsResponse.getDefaultInstance(), NOW);
  }

  static GetFleetResponse fleet(GroupStatus.Builder g) {
    return GetFleetResponse.newBuilder().addGroups(g.setName("linux")).build();
  }

  @Test
  void thePoolsLineShowsCountResumingTargetAndOldestAge() {
    StandbyPool pool =
        StandbyPool.newBuilder()
            .setCount(3)
            .setResuming(1)
            .setTarget(5)
            .setOldestSince(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 750))
            .build();
    String out = render(fleet(GroupStatus.newBuilder().setStandby(pool)));
    assertThat(out)
        .contains(
            "STANDBY  suspended 3  resuming 1  target 5  oldest 750s (since"
                + " 2026-12-06T06:47:30Z)\n");
  }

  @Test
  void anEmptyPoolThatIsWantedShowsNoAge() {
    StandbyPool pool = StandbyPool.newBuilder().setTarget(4).build();
    String out = render(fleet(GroupStatus.newBuilder().setStandby(pool)));
    assertThat(out).contains("STANDBY  suspended 0  resuming 0  target 4  oldest -\n");
  }

  @Test
  void noPoolAndAnOlderDaemonsAnswerPrintNoPoolLine() {
    StandbyPool none = StandbyPool.getDefaultInstance();
    assertThat(render(fleet(GroupStatus.newBuilder().setStandby(none)))).doesNotContain("STANDBY");
    // A daemon from before the field: the message has no pool at all, and reads as before.
    assertThat(render(fleet(GroupStatus.newBuilder())))
        .contains("INSTANCES  none")
        .doesNotContain("STANDBY");
  }
}
