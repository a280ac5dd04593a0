package io.fleetscaler.daemon.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LeaseValidityTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
  private final LeaseValidity validity = new LeaseValidity(clock::get, Duration.ofMillis(750));

  @Test
  void holdsNothingBeforeTheFirstGrant() {
    assertThat(validity.holds()).isFalse();
    assertThat(validity.remaining()).isZero();
  }

  @Test
  void holdsUntilTheSendTimePlusTtlMinusTheMargin() {
    long sent = clock.get();
    clock.addAndGet(SECOND / 10); // the answer arrives later; the bound counts from the send
    validity.renewed(sent, 3);

    clock.set(sent + 3 * SECOND - 750_000_000L - 1);
    assertThat(validity.holds()).isTrue();
    assertThat(validity.remaining()).isEqualTo(Duration.ofNanos(1));
    clock.set(sent + 3 * SECOND - 750_000_000L);
    assertThat(validity.holds()).isFalse();
  }

  @Test
  void aLateAnswerToAnOlderRequestNeverShortensTheBound() {
    long older = clock.get();
    long newer = older + SECOND;
    validity.renewed(newer, 3);
    validity.renewed(older, 3);

    clock.set(newer + 2 * SECOND);
    assertThat(validity.holds()).isTrue();
  }

  @Test
  void lostStopsAtOnceAndARenewalAfterwardsStartsAgain() {
    validity.renewed(clock.get(), 3);
    validity.lost();
    assertThat(validity.holds()).isFalse();

    validity.renewed(clock.get() - SECOND, 3); // an earlier bound than before is fine after a loss
    assertThat(validity.holds()).isTrue();
  }

  @Test
  void aPausedAndResumedHolderFindsItsBoundPassed() {
    validity.renewed(clock.get(), 3);
    assertThat(validity.holds()).isTrue();
    clock.addAndGet(10 * SECOND); // SIGSTOP past the TTL, then SIGCONT: monotonic time moved on
    assertThat(validity.holds()).isFalse();
  }

  @Test
  void theMarginIsAQuarterOfTheTtlAndAtLeastHalfASecond() {
    HaSettings s = HaSettings.plain(java.net.URI.create("http://127.0.0.1:1"), "a", "127.0.0.1:2");
    assertThat(s.safetyMargin()).isEqualTo(Duration.ofMillis(750));
    assertThat(s.withLeaseTtl(Duration.ofSeconds(2)).safetyMargin())
        .isEqualTo(Duration.ofMillis(500));
    assertThat(s.withLeaseTtl(Duration.ofSeconds(20)).safetyMargin())
        .isEqualTo(Duration.ofSeconds(5));
  }
}
