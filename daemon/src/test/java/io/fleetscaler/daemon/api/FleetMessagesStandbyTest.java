package io.fleetscaler.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.scaler.StandbyStatus;
import io.fleetscaler.proto.v1.StandbyPool;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FleetMessagesStandbyTest {

  @Test
  void thePoolTravelsWithItsOldestAge() {
    StandbyPool p =
        FleetMessages.standby(new StandbyStatus(3, 1, 5, Duration.ofSeconds(750, 5_000_000)));
    assertThat(p.getCount()).isEqualTo(3);
    assertThat(p.getResuming()).isEqualTo(1);
    assertThat(p.getTarget()).isEqualTo(5);
    assertThat(p.getOldestAge().getSeconds()).isEqualTo(750);
    assertThat(p.getOldestAge().getNanos()).isEqualTo(5_000_000);
  }

  @Test
  void anEmptyPoolHasNoAge() {
    StandbyPool p = FleetMessages.standby(new StandbyStatus(0, 2, 4, null));
    assertThat(p.hasOldestAge()).isFalse();
    assertThat(p.getResuming()).isEqualTo(2);
  }
}
