package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * While the plugin's {@code update} fails, the loop's cadence backs off exponentially with jitter
 * (seeded), and {@link TaskScaler#lastSuccessfulUpdate()} keeps the last success for readiness.
 */
class UpdateBackoffTest {
  static final Duration INTERVAL = Duration.ofSeconds(60);

  @Test
  void failingUpdatesBackOffBeyondTheIntervalAndASuccessRestoresIt() {
    Harness h =
        new Harness(
            b ->
                b.policies(List.of(Policy.of(0)))
                    .updateInterval(INTERVAL)
                    .updateIntervalWhenExpecting(Duration.ofSeconds(2)));
    h.scaler.tick();
    Instant seen = h.clock.instant();
    assertThat(h.scaler.lastSuccessfulUpdate()).isEqualTo(seen);

    h.cloud.failNextUpdates(10);
    List<Duration> gaps = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      h.clock.set(h.scaler.nextTickAt());
      h.scaler.tick();
      gaps.add(Duration.between(h.clock.instant(), h.scaler.nextTickAt()));
    }

    assertThat(gaps).allSatisfy(g -> assertThat(g).isBetween(INTERVAL, Backoff.MAX));
    // 1 s doubling: from the 9th failure (up to 256 s, at least half of it) well past the interval.
    assertThat(gaps.get(8)).isGreaterThanOrEqualTo(Duration.ofSeconds(128));
    assertThat(gaps.get(9)).isGreaterThanOrEqualTo(Duration.ofSeconds(150));
    assertThat(h.scaler.lastSuccessfulUpdate()).isEqualTo(seen);
    assertThat(h.scaler.counter("fleeting_provisioner_missed_updates_total", "", "")).isEqualTo(10);

    h.clock.set(h.scaler.nextTickAt());
    h.scaler.tick();
    assertThat(h.scaler.lastSuccessfulUpdate()).isEqualTo(h.clock.instant());
    assertThat(h.scaler.nextTickAt()).isEqualTo(h.clock.instant().plus(INTERVAL));
  }

  @Test
  void eventsDuringAnOutageDoNotBringTheBackedOffUpdateForward() {
    Harness h =
        new Harness(
            b ->
                b.policies(List.of(Policy.of(0)))
                    .updateInterval(INTERVAL)
                    .updateIntervalWhenExpecting(Duration.ofSeconds(2)));
    h.scaler.tick();
    h.cloud.failNextUpdates(100);
    for (int i = 0; i < 8; i++) {
      h.clock.set(h.scaler.nextTickAt());
      h.scaler.tick();
    }
    Instant backedOff = h.scaler.nextTickAt();
    assertThat(Duration.between(h.clock.instant(), backedOff)).isGreaterThan(INTERVAL);

    // New demand arrives during the outage: each acquisition waits and plans, none polls sooner.
    for (int i = 0; i < 20; i++) {
      assertThat(h.scaler.acquire("job-" + i, Duration.ofMinutes(10))).isNotDone();
      h.clock.advance(Duration.ofSeconds(1));
    }
    assertThat(h.scaler.nextTickAt()).isEqualTo(backedOff);
  }
}
