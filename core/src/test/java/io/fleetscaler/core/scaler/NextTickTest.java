package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.simulated.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link TaskScaler#nextTickAt()}: the loop's cadence, readable by a driver of manual ticks. */
class NextTickTest {

  static final Duration INTERVAL = Duration.ofSeconds(60);
  static final Duration EXPECTING = Duration.ofSeconds(2);

  private static Harness harness() {
    return new Harness(
        b ->
            b.policies(List.of(Policy.of(0)))
                .updateInterval(INTERVAL)
                .updateIntervalWhenExpecting(EXPECTING));
  }

  @Test
  void firstStepIsDueAtOnceThenEveryUpdateIntervalWhileNothingIsExpected() {
    Harness h = harness();
    Instant start = h.clock.instant();
    assertThat(h.scaler.nextTickAt()).isEqualTo(start);
    h.scaler.tick();
    assertThat(h.scaler.nextTickAt()).isEqualTo(start.plus(INTERVAL));
    h.clock.advance(Duration.ofSeconds(13)); // a late step reschedules from when it ran
    h.scaler.tick();
    assertThat(h.scaler.nextTickAt()).isEqualTo(start.plusSeconds(13).plus(INTERVAL));
  }

  @Test
  void waitingDemandBringsTheNextStepForwardAndKeepsTheFastCadenceUntilServed() {
    Harness h = harness();
    ManualClock clock = h.clock;
    h.scaler.tick();
    clock.advance(Duration.ofSeconds(10));
    CompletableFuture<Acquisition> job = h.scaler.acquire("job", Duration.ofHours(1));
    assertThat(job).isNotDone();
    assertThat(h.scaler.nextTickAt()).isEqualTo(clock.instant().plus(EXPECTING));
    // While the instance boots, every step is followed by another after the faster interval.
    int steps = 0;
    while (!job.isDone()) {
      clock.set(h.scaler.nextTickAt());
      h.scaler.tick();
      steps++;
      if (!job.isDone()) {
        assertThat(h.scaler.nextTickAt()).isEqualTo(clock.instant().plus(EXPECTING));
      }
    }
    // Boot is 30 s, polled every 2 s from 2 s after the request: ready at the 15th poll.
    assertThat(steps).isEqualTo(15);
    h.scaler.release("job");
    h.scaler.tick();
    assertThat(h.scaler.nextTickAt()).isEqualTo(clock.instant().plus(INTERVAL));
  }

  @Test
  void aLaterNudgeNeverPostponesASoonerStep() {
    Harness h = harness();
    h.scaler.tick();
    assertThat(h.scaler.acquire("a", Duration.ofHours(1))).isNotDone();
    Instant due = h.scaler.nextTickAt();
    h.clock.advance(Duration.ofSeconds(1));
    assertThat(h.scaler.acquire("b", Duration.ofHours(1))).isNotDone();
    assertThat(h.scaler.nextTickAt()).isEqualTo(due);
  }
}
