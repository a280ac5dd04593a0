package io.fleetscaler.plugin.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ManualClockTest {

  @Test
  void movesOnlyWhenToldAndOnlyForward() {
    ManualClock clock = new ManualClock();
    assertThat(clock.instant()).isEqualTo(ManualClock.DEFAULT_START);
    assertThat(clock.advance(Duration.ofMinutes(2)))
        .isEqualTo(ManualClock.DEFAULT_START.plusSeconds(120));
    Instant later = Instant.parse("2030-01-01T00:00:00Z");
    clock.set(later);
    assertThat(clock.instant()).isEqualTo(later);
    assertThatThrownBy(() -> clock.set(ManualClock.DEFAULT_START))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ManualClock.DEFAULT_START.toString());
    assertThat(clock.instant()).isEqualTo(later);
  }
}
