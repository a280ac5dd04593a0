package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Request threads racing with the provisioner: no exception escapes, no slot is handed out twice,
 * nothing is revoked, and once every job is released the counts are back to zero.
 */
class ConcurrentRequestsTest {

  @Test
  void requestThreadsRaceWithTicksWithoutLosingOrDoublingSlots() throws Exception {
    Harness h =
        new Harness(b -> b.policies(List.of(Policy.of(2))).maxInstances(8).capacityPerInstance(2));
    h.bootAll();
    int threads = 4;
    int jobsPerThread = 400;
    ConcurrentLinkedQueue<Acquisition> revoked = new ConcurrentLinkedQueue<>();
    h.raceWithTicks(
        threads,
        jobsPerThread,
        Duration.ofSeconds(60),
        (thread, j) -> {
          String key = "t" + thread + "-" + j;
          if (j % 3 == 0 && h.scaler.reserve(key) == ReserveResult.NO_CAPACITY) {
            return;
          }
          CompletableFuture<Acquisition> f = h.scaler.acquire(key, Duration.ofHours(1));
          Acquisition a = f.get(20, TimeUnit.SECONDS);
          if (a.cancelCause() != null) {
            revoked.add(a);
          }
          assertThat(h.scaler.release(key)).isTrue();
        });

    assertThat(revoked).isEmpty();
    ScalerSnapshot s = h.scaler.snapshot();
    assertThat(s.slots().acquired()).isZero();
    assertThat(s.slots().reserved()).isZero();
    assertThat(s.pendingAcquisitions()).isZero();
    assertThat(h.inCloud()).isLessThanOrEqualTo(8);
  }
}
