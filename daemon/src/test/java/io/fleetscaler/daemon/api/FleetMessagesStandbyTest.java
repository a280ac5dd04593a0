package io.fleetscaler.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.scaler.StandbyStatus;
import io.fleetscaler.proto.v1.StandbyPool;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FleetMessagesStandbyTest {

  @Test
  void thePoolTravelsWithWhenItsOldestMemberEnteredIt() {
    StandbyPool p =
        FleetMessages.standby(
            new StandbyStatus(3, 1, 5, Instant.ofEpochSecond(1_765_000_000L, 5_000_000)));
    assertThat(p.getCount()).isEqualTo(3);
    assertThat(p.getResuming()).isEqualTo(1);
    assertThat(p.getTarget()).isEqualTo(5);
    assertThat(p.getOldestSince().getSeconds()).isEqualTo(1_765_000_000L);
    assertThat(p.getOldestSince().getNanos()).isEqualTo(5_000_000);
  }

  @Test
  void anEmptyPoolHasNoAge() {
    StandbyPool p = FleetMessages.standby(new StandbyStatus(0, 2, 4, null));
    assertThat(p.hasOldestSince()).isFalse();
    assertThat(p.getResuming()).isEqualTo(2);
  }
}
