package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Calls whose answer was lost, on the simulated cloud under a manual clock: what the cloud may have
 * done is resolved by later updates, never guessed as nothing (which relaunches and then deletes
 * the first launch as {@code preexisting}) nor as everything.
 */
class AmbiguityTest {
  static final Duration FOREVER = Duration.ofHours(1);

  private static long deletions(Harness h, String reason) {
    return h.scaler.counter("fleetscaler_instance_deletions_total", "reason", reason);
  }

  private static long ambiguous(Harness h, String outcome) {
    return h.scaler.counter("fleetscaler_ambiguous_instances_total", "outcome", outcome);
  }

  @Test
  void instancesOfAnIncreaseWhoseAnswerWasLostAreAdoptedNotDeletedNorAskedAgain() {
    Harness h = Harness.withPolicy(Policy.of(0), 8, 1);
    h.cloud.loseNextIncreaseAnswers(1);
    List<CompletableFuture<Acquisition>> jobs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      jobs.add(h.scaler.acquire("job-" + i, FOREVER));
    }
    // Each acquisition planned at once; the first increase's answer was lost, and the ambiguity it
    // left counts as coming capacity, so the later ones asked only for what it did not cover.
    assertThat(ambiguous(h, "opened")).isEqualTo(1);
    assertThat(h.scaler.snapshot().instancesByState()).containsEntry("ambiguous", 1);

    h.scaler.tick();
    assertThat(ambiguous(h, "adopted")).isEqualTo(1);
    assertThat(h.scaler.snapshot().instancesByState()).containsEntry("ambiguous", 0);
    // The failure started a backoff: the other four are asked for once it has passed.
    h.advance(Harness.BOOT);
    h.advance(Harness.BOOT);

    assertThat(jobs).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    assertThat(h.cloud.launched()).as("no more launches than demand").isEqualTo(5);
    assertThat(h.live()).isEqualTo(5);
    assertThat(deletions(h, "preexisting")).isZero();
    assertThat(deletions(h, "replacement")).isZero();
    for (int i = 0; i < 5; i++) {
      h.scaler.tick();
    }
    assertThat(h.cloud.launched()).isEqualTo(5);
  }

  @Test
  void aBurstWhoseOnlyIncreaseLostItsAnswerLaunchesOnceForTheWholeBurst() {
    Harness h = Harness.withPolicy(Policy.of(3), 8, 1);
    h.cloud.loseNextIncreaseAnswers(1);
    h.scaler.tick(); // the idle target: 3, asked in one increase whose answer is lost

    assertThat(h.cloud.launched()).isEqualTo(3);
    assertThat(ambiguous(h, "opened")).isEqualTo(3);
    h.bootAll();

    assertThat(h.ready()).isEqualTo(3);
    assertThat(h.cloud.increaseCalls()).isOne();
    assertThat(ambiguous(h, "adopted")).isEqualTo(3);
    assertThat(deletions(h, "preexisting")).isZero();
  }

  @Test
  void anIncreaseThatNeverReachedTheCloudIsAskedAgainOnceLaterUpdatesSettleIt() {
    Harness h = Harness.withPolicy(Policy.of(0), 8, 1);
    h.cloud.refuseNextIncreases(1);
    CompletableFuture<Acquisition> job = h.scaler.acquire("job", FOREVER);
    assertThat(h.cloud.launched()).isZero();
    assertThat(h.cloud.increaseCalls()).isOne();

    // Not asked again while it may still come; after SETTLE_UPDATES updates showing nothing, the
    // demand is asked for again (after the backoff the failure started).
    for (int i = 0; i < ExpectedCreations.SETTLE_UPDATES - 1; i++) {
      h.advance(Duration.ofSeconds(2));
      assertThat(h.cloud.increaseCalls()).as("update %s", i).isOne();
    }
    h.advance(Duration.ofSeconds(2));
    h.advance(Duration.ofSeconds(2));
    assertThat(h.cloud.increaseCalls()).isEqualTo(2);
    assertThat(h.cloud.launched()).isOne();
    h.advance(Harness.BOOT);
    assertThat(job).isCompleted();
    assertThat(deletions(h, "preexisting")).isZero();
  }

  @Test
  void anUnsettledAmbiguityStillCountsTowardMaxInstances() {
    Harness h = Harness.withPolicy(Policy.of(0), 2, 1);
    h.cloud.refuseNextIncreases(1);
    CompletableFuture<Acquisition> a = h.scaler.acquire("a", FOREVER);
    CompletableFuture<Acquisition> b = h.scaler.acquire("b", FOREVER);
    for (int i = 0; i < 10; i++) {
      h.advance(Duration.ofSeconds(10));
    }
    // The first increase (of 1) may still bring an instance until creation_timeout: only one more.
    assertThat(h.cloud.launched()).isOne();
    assertThat(h.inCloud()).isLessThanOrEqualTo(2);
    h.advance(TaskScalerTest.FOREVER.dividedBy(6)); // past the 10 min creation timeout
    h.advance(Duration.ofSeconds(10));
    assertThat(ambiguous(h, "expired")).isOne();
    assertThat(h.cloud.launched()).isEqualTo(2);
    h.advance(Harness.BOOT);
    assertThat(List.of(a, b)).allMatch(CompletableFuture::isDone);
  }

  @Test
  void anInstanceTheCloudLaunchedOnItsOwnAfterStartUpIsAReplacementNotPreexisting() {
    Harness h = Harness.withPolicy(Policy.of(1), 8, 1);
    h.bootAll();
    assertThat(h.ready()).isOne();

    h.simulated.increase(1); // as Auto Scaling does when it replaces an instance on its own
    h.scaler.tick();
    h.scaler.tick();

    assertThat(deletions(h, "replacement")).isOne();
    assertThat(deletions(h, "preexisting")).isZero();
    assertThat(h.live()).isOne();
    assertThat(h.ready()).isOne();
  }

  @Test
  void unknownInstancesFoundAtStartUpAreStillPreexisting() {
    Harness h = Harness.withPolicy(Policy.of(0), 8, 1);
    h.simulated.increase(2); // there before the scaler's first update
    h.scaler.tick();
    assertThat(deletions(h, "preexisting")).isEqualTo(2);
    assertThat(deletions(h, "replacement")).isZero();
  }

  @Test
  void aDecreaseWhoseAnswerWasLostIsNeitherALossNorAskedForTwice() {
    Harness h = Harness.withPolicy(Policy.of(0).withIdleTime(Duration.ofMinutes(1)), 8, 1);
    CompletableFuture<Acquisition> job = h.scaler.acquire("job", FOREVER);
    h.advance(Harness.BOOT);
    assertThat(job).isCompleted();
    assertThat(h.scaler.release("job")).isTrue();
    h.cloud.loseNextDecreaseAnswers(1);
    h.advance(Duration.ofMinutes(1)); // idle long enough: deleted, but the answer is lost
    assertThat(h.cloud.decreaseCalls()).isOne();
    assertThat(h.live()).isZero();

    h.advance(Harness.DELETE);
    h.advance(Duration.ofSeconds(2));

    assertThat(h.inCloud()).isZero();
    assertThat(h.scaler.snapshot().instances()).isEmpty();
    assertThat(h.scaler.counter("fleetscaler_instances_vanished_total", "", "")).isZero();
    assertThat(h.scaler.counter("fleetscaler_instance_losses_total", "cause", "vanished")).isZero();
    assertThat(h.cloud.decreaseCalls())
        .as("the cloud showed the deletion: not asked again")
        .isOne();
    assertThat(h.cloud.launched()).isOne();
  }
}
