package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.DemandSizing;
import io.fleetscaler.core.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DemandHistoryTest {
  static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

  /** Pool = largest one-minute burst, idle = jobs per 60 s: both read straight off the history. */
  static final Policy SIZED =
      Policy.of(0).withDemand(new DemandSizing(Duration.ofSeconds(60), 1, Duration.ofMinutes(10)));

  final DemandHistory history = new DemandHistory();

  void arrive(int n) {
    for (int i = 0; i < n; i++) {
      history.arrived();
    }
  }

  Policy at(Duration sinceT0) {
    return history.size(SIZED, T0.plus(sinceT0));
  }

  @Test
  void whatArrivedSinceTheLastReadingCountsInTheMinuteOfTheReading() {
    at(Duration.ZERO);
    arrive(6);
    // Plans read at least every update_interval, so this lands at most one interval late.
    Policy p = at(Duration.ofMinutes(2).plusSeconds(5));
    assertThat(p.standbyCount()).isEqualTo(6);
    assertThat(at(Duration.ofMinutes(11)).standbyCount()).isEqualTo(6);
    assertThat(at(Duration.ofMinutes(12)).standbyCount()).isZero();
  }

  @Test
  void aPolicyWithoutSizingIsReturnedAsItIs() {
    Policy plain = Policy.of(2).withStandby(3, Duration.ZERO);
    arrive(50);
    assertThat(history.size(plain, T0)).isSameAs(plain);
  }

  @Test
  void theBurstIsTheBusiestMinuteAndTheRateTheWindowsMean() {
    at(Duration.ZERO);
    arrive(12);
    Policy first = at(Duration.ofSeconds(30));
    assertThat(first.standbyCount()).isEqualTo(12);
    // 12 jobs in a 10-minute window: 1.2 per minute, 1 for a 60 s lead.
    assertThat(first.idleCount()).isEqualTo(1);

    at(Duration.ofMinutes(3));
    arrive(5);
    Policy later = at(Duration.ofMinutes(3).plusSeconds(10));
    assertThat(later.standbyCount()).as("the busiest minute, not the latest").isEqualTo(12);
    assertThat(later.idleCount()).as("17 jobs in 10 minutes").isEqualTo(2);
  }

  @Test
  void minutesOutOfTheWindowNoLongerCount() {
    at(Duration.ZERO);
    arrive(12);
    at(Duration.ofSeconds(10));
    at(Duration.ofMinutes(5));
    arrive(3);
    at(Duration.ofMinutes(5).plusSeconds(10));
    Policy within = at(Duration.ofMinutes(9).plusSeconds(59));
    assertThat(within.standbyCount()).isEqualTo(12);
    Policy after = at(Duration.ofMinutes(10));
    assertThat(after.standbyCount()).as("minute 0 left the window").isEqualTo(3);
    Policy gone = at(Duration.ofMinutes(15));
    assertThat(gone.standbyCount()).isZero();
    assertThat(gone.idleCount()).isZero();
  }

  @Test
  void aGapLongerThanTheHistoryClearsIt() {
    at(Duration.ZERO);
    arrive(40);
    assertThat(at(Duration.ofSeconds(10)).standbyCount()).isEqualTo(40);
    Policy nextDay = at(Duration.ofDays(1).plusMinutes(3));
    assertThat(nextDay.standbyCount()).isZero();
    // The minute of the same table slot one day later does not see the old count either.
    assertThat(at(Duration.ofDays(2)).standbyCount()).isZero();
  }

  @Test
  void theFixedCountsStayTheFloors() {
    Policy floors = SIZED.withIdleCount(4).withStandby(5, Duration.ZERO);
    arrive(2);
    Policy p = history.size(floors, T0);
    assertThat(p.idleCount()).isEqualTo(4);
    assertThat(p.standbyCount()).isEqualTo(5);
    assertThat(p.demand()).isEqualTo(floors.demand());
  }

  /** idle_lead 60 s over idle_window 60 s: the idle target is the decayed count itself. */
  static final Policy SHORT =
      Policy.of(0)
          .withDemand(
              new DemandSizing(Duration.ofSeconds(60), 1, Duration.ofMinutes(10))
                  .withIdleWindow(Duration.ofSeconds(60)));

  Policy shortAt(Duration sinceT0) {
    return history.size(SHORT, T0.plus(sinceT0));
  }

  @Test
  void aShortMemoryDecaysBetweenReadingsByETheMinusElapsedOverTheTimeConstant() {
    shortAt(Duration.ZERO);
    arrive(10);
    assertThat(shortAt(Duration.ZERO).idleCount()).as("10 just arrived").isEqualTo(10);
    // 10 e^-1 = 3.68, 10 e^-2 = 1.35, 10 e^-3 = 0.50 (rounds down: 0.4979)
    assertThat(shortAt(Duration.ofMinutes(1)).idleCount()).isEqualTo(4);
    assertThat(shortAt(Duration.ofMinutes(2)).idleCount()).isEqualTo(1);
    assertThat(shortAt(Duration.ofMinutes(3)).idleCount()).isZero();
    assertThat(shortAt(Duration.ofMinutes(3)).standbyCount())
        .as("the pool still reads the window's busiest minute")
        .isEqualTo(10);
  }

  @Test
  void aFollowingGroupAddsToWhatIsLeftOfTheLastOne() {
    shortAt(Duration.ZERO);
    arrive(10);
    shortAt(Duration.ZERO);
    arrive(2);
    // 10 e^-0.5 = 6.07 left, plus the 2 that came since: 8.07.
    assertThat(shortAt(Duration.ofSeconds(30)).idleCount()).isEqualTo(8);
    // Readings in between do not change the decay: 8.07 e^-0.5 = 4.89, however often read.
    shortAt(Duration.ofSeconds(40));
    shortAt(Duration.ofSeconds(50));
    assertThat(shortAt(Duration.ofMinutes(1)).idleCount()).isEqualTo(5);
  }

  @Test
  void aPeriodWithoutTheShortMemoryKeepsNothingOfIt() {
    shortAt(Duration.ZERO);
    arrive(30);
    assertThat(shortAt(Duration.ofSeconds(1)).idleCount()).isEqualTo(30);
    // A policy period with the window's mean: the decayed count is dropped, not carried over.
    assertThat(at(Duration.ofSeconds(2)).idleCount()).as("30 in 10 minutes at 60 s").isEqualTo(3);
    assertThat(shortAt(Duration.ofSeconds(3)).idleCount()).as("starts from zero").isZero();
    arrive(6);
    assertThat(shortAt(Duration.ofSeconds(4)).idleCount()).isEqualTo(6);
  }
}
