package io.fleetscaler.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyScheduleTest {

  private static final Policy WEEKDAY =
      Policy.of(5)
          .withPeriods(List.of("* 8-17 * * mon-fri"))
          .withTimezone(ZoneId.of("Europe/Berlin"));
  private static final Policy BASE = Policy.of(1);

  @Test
  void periodsAreTimeRangesInTheirTimezone() {
    PolicySchedule schedule = PolicySchedule.of(List.of(BASE, WEEKDAY));
    // Monday 2026-01-05 07:30 UTC is 08:30 in Berlin: inside the weekday range.
    assertThat(schedule.activeAt(Instant.parse("2026-01-05T07:30:59Z"))).isEqualTo(WEEKDAY);
    // 06:59 UTC is 07:59 in Berlin: outside; the earlier policy applies.
    assertThat(schedule.activeAt(Instant.parse("2026-01-05T06:59:00Z"))).isEqualTo(BASE);
    // 16:59 UTC is 17:59 Berlin, the last minute of the range; 17:00 UTC is past it.
    assertThat(schedule.activeAt(Instant.parse("2026-01-05T16:59:30Z"))).isEqualTo(WEEKDAY);
    assertThat(schedule.activeAt(Instant.parse("2026-01-05T17:00:00Z"))).isEqualTo(BASE);
    // Saturday.
    assertThat(schedule.activeAt(Instant.parse("2026-01-10T10:00:00Z"))).isEqualTo(BASE);
  }

  @Test
  void lastMatchWins() {
    Policy first = Policy.of(3);
    Policy second = Policy.of(7);
    assertThat(PolicySchedule.of(List.of(first, second)).activeAt(Instant.EPOCH)).isEqualTo(second);
    assertThat(PolicySchedule.of(List.of(second, first)).activeAt(Instant.EPOCH)).isEqualTo(first);
  }

  @Test
  void defaultPolicyWhenNoneMatches() {
    PolicySchedule schedule = PolicySchedule.of(List.of(WEEKDAY));
    Policy active = schedule.activeAt(Instant.parse("2026-01-10T10:00:00Z"));
    assertThat(active).isEqualTo(Policy.DEFAULT);
    assertThat(active.idleCount()).isZero();
    assertThat(PolicySchedule.of(List.of()).activeAt(Instant.EPOCH)).isEqualTo(Policy.DEFAULT);
  }

  @Test
  void anyOfSeveralPeriodsActivatesThePolicy() {
    Policy nights = Policy.of(2).withPeriods(List.of("* 0-5 * * *", "* 22-23 * * *"));
    PolicySchedule schedule = PolicySchedule.of(List.of(nights));
    assertThat(schedule.activeAt(Instant.parse("2026-01-05T23:10:00Z"))).isEqualTo(nights);
    assertThat(schedule.activeAt(Instant.parse("2026-01-05T03:10:00Z"))).isEqualTo(nights);
    assertThat(schedule.activeAt(Instant.parse("2026-01-05T12:10:00Z"))).isEqualTo(Policy.DEFAULT);
  }

  @Test
  void preemptiveModeDefaultsToIdleCountAboveZero() {
    assertThat(Policy.of(0).preemptiveMode()).isFalse();
    assertThat(Policy.of(1).preemptiveMode()).isTrue();
    assertThat(Policy.of(1).withPreemptiveMode(false).preemptiveMode()).isFalse();
  }

  @Test
  void validationNamesEveryBadFieldAndValue() {
    assertThatThrownBy(
            () ->
                new Policy(
                    List.of("* * * *", "61 * * * *"),
                    ZoneId.of("UTC"),
                    -1,
                    Duration.ofMillis(10),
                    -2.0,
                    -3,
                    false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("periods[0]: '* * * *'")
        .hasMessageContaining("periods[1]: '61 * * * *'")
        .hasMessageContaining("idle_count: must be >= 0, got -1")
        .hasMessageContaining("idle_time: must be >= 1s, got PT0.01S")
        .hasMessageContaining("scale_factor: must be finite and >= 0, got -2.0")
        .hasMessageContaining("scale_factor_limit: must be >= 0 (0 = no limit), got -3");
    assertThatThrownBy(() -> Policy.of(1).withPeriods(List.of()))
        .hasMessageContaining("periods: at least one cron expression is required");
  }

  @Test
  void idleTargetUsesScaleFactorBetweenIdleCountAndLimit() {
    Policy p = Policy.of(2).withScaleFactor(0.5, 10);
    assertThat(p.idleTarget(0)).isEqualTo(2); // idle_count is the floor
    assertThat(p.idleTarget(9)).isEqualTo(5); // ceil(4.5)
    assertThat(p.idleTarget(100)).isEqualTo(10); // the limit caps it
    assertThat(Policy.of(2).withScaleFactor(0.5, 0).idleTarget(100)).isEqualTo(50);
    assertThat(Policy.of(3).idleTarget(1000)).isEqualTo(3);
  }
}
