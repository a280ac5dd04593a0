package io.fleetscaler.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemandSizingTest {

  @Test
  void offSizesNothingAndIsTheDefaultOfEveryPolicy() {
    assertThat(DemandSizing.OFF.enabled()).isFalse();
    assertThat(Policy.of(3).demand()).isEqualTo(DemandSizing.OFF);
    assertThat(DemandSizing.OFF.idleCount(3, 1_000)).isEqualTo(3);
    assertThat(DemandSizing.OFF.standbyCount(4, 1_000)).isEqualTo(4);
  }

  @Test
  void idleKeepsTheJobsExpectedWithinTheLeadRoundedHalfUp() {
    // 90 jobs in 30 minutes: 0.05 per second; a 20 s lead expects 1 job, a 30 s lead 1.5 -> 2.
    DemandSizing d = new DemandSizing(Duration.ofSeconds(20), 0, Duration.ofMinutes(30));
    assertThat(d.enabled()).isTrue();
    assertThat(d.idleCount(0, 90)).isEqualTo(1);
    assertThat(new DemandSizing(Duration.ofSeconds(30), 0, Duration.ofMinutes(30)).idleCount(0, 90))
        .isEqualTo(2);
    assertThat(d.idleCount(0, 40)).as("0.44 rounds down").isZero();
    assertThat(d.idleCount(3, 90)).as("idle_count stays the floor").isEqualTo(3);
    assertThat(d.standbyCount(2, 50)).as("the pool is not sized by the lead").isEqualTo(2);
  }

  @Test
  void standbyCoversTheLargestRecentBurstTimesTheFactor() {
    DemandSizing d = new DemandSizing(Duration.ZERO, 0.5, Duration.ofMinutes(60));
    assertThat(d.standbyCount(0, 7)).isEqualTo(4);
    assertThat(d.standbyCount(0, 8)).isEqualTo(4);
    assertThat(d.standbyCount(10, 8)).as("standby_count stays the floor").isEqualTo(10);
    assertThat(d.standbyCount(0, 0)).isZero();
    assertThat(d.idleCount(1, 1_000)).isEqualTo(1);
  }

  @Test
  void policyWithersKeepTheSizing() {
    DemandSizing d = new DemandSizing(Duration.ofSeconds(20), 1, Duration.ofMinutes(10));
    Policy p = Policy.of(1).withDemand(d).withIdleCount(2).withStandby(3, Duration.ZERO);
    assertThat(p.demand()).isEqualTo(d);
  }

  @Test
  void invalidValuesAreNamedAllAtOnce() {
    assertThatThrownBy(() -> new DemandSizing(Duration.ofSeconds(-1), -2, Duration.ofSeconds(30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("idle_lead: must be between 0s and 1h")
        .hasMessageContaining("standby_burst_factor: must be between 0 and 100, got -2.0")
        .hasMessageContaining("demand_window: must be whole minutes from 1m to 24h");
    assertThatThrownBy(() -> new DemandSizing(Duration.ZERO, Double.NaN, Duration.ofDays(2)))
        .hasMessageContaining("standby_burst_factor")
        .hasMessageContaining("demand_window");
  }
}
