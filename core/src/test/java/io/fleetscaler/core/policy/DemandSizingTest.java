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
  void aShortMemoryKeepsTheDecayedArrivalsTimesLeadOverTimeConstant() {
    // idle_window 60 s, idle_lead 20 s: a third of an idle slot per recent (decayed) arrival.
    DemandSizing d =
        new DemandSizing(Duration.ofSeconds(20), 0.5, Duration.ofHours(2))
            .withIdleWindow(Duration.ofMinutes(1));
    assertThat(d.decaying()).isTrue();
    assertThat(d.idleWindow()).isEqualTo(Duration.ofMinutes(1));
    assertThat(d.idleCountDecayed(0, 9)).isEqualTo(3);
    assertThat(d.idleCountDecayed(0, 7.5)).as("2.5 rounds half up").isEqualTo(3);
    assertThat(d.idleCountDecayed(0, 7.4)).isEqualTo(2);
    assertThat(d.idleCountDecayed(0, 1.4)).as("0.47 rounds down").isZero();
    assertThat(d.idleCountDecayed(2, 0)).as("idle_count stays the floor").isEqualTo(2);
    assertThat(d.standbyCount(0, 7)).as("the pool still reads the bursts").isEqualTo(4);
    assertThat(new DemandSizing(Duration.ofSeconds(20), 0, Duration.ofMinutes(30)).decaying())
        .as("off unless set")
        .isFalse();
  }

  @Test
  void anIdleWindowOutOfRangeOrWithoutALeadIsRefused() {
    DemandSizing lead = new DemandSizing(Duration.ofSeconds(20), 0, Duration.ofMinutes(30));
    assertThatThrownBy(() -> lead.withIdleWindow(Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("idle_window: must be 0s (off) or between 1s and 1h, got PT0.5S");
    assertThatThrownBy(() -> lead.withIdleWindow(Duration.ofSeconds(3601)))
        .hasMessageContaining("idle_window: must be 0s (off) or between 1s and 1h, got PT1H1S");
    assertThatThrownBy(() -> lead.withIdleWindow(Duration.ofSeconds(-1)))
        .hasMessageContaining("idle_window");
    assertThatThrownBy(
            () ->
                new DemandSizing(Duration.ZERO, 1, Duration.ofMinutes(30))
                    .withIdleWindow(Duration.ofMinutes(1)))
        .hasMessageContaining("idle_window: sizes the idle target of idle_lead, which is 0s");
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
