package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    AtomicBoolean done = new AtomicBoolean();
    CountDownLatch start = new CountDownLatch(1);
    ConcurrentLinkedQueue<Acquisition> revoked = new ConcurrentLinkedQueue<>();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      workers.add(
          pool.submit(
              () -> {
                start.await();
                for (int j = 0; j < jobsPerThread; j++) {
                  String key = "t" + thread + "-" + j;
                  if (j % 3 == 0 && h.scaler.reserve(key) == ReserveResult.NO_CAPACITY) {
                    continue;
                  }
                  CompletableFuture<Acquisition> f = h.scaler.acquire(key, Duration.ofHours(1));
                  Acquisition a = f.get(20, TimeUnit.SECONDS);
                  if (a.cancelCause() != null) {
                    revoked.add(a);
                  }
                  assertThat(h.scaler.release(key)).isTrue();
                }
                return null;
              }));
    }
    Future<?> ticker =
        pool.submit(
            () -> {
              start.await();
              while (!done.get()) {
                h.advance(Duration.ofSeconds(10));
              }
              return null;
            });
    start.countDown();
    for (Future<?> w : workers) {
      w.get(60, TimeUnit.SECONDS);
    }
    done.set(true);
    ticker.get(60, TimeUnit.SECONDS);
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

    assertThat(revoked).isEmpty();
    ScalerSnapshot s = h.scaler.snapshot();
    assertThat(s.slots().acquired()).isZero();
    assertThat(s.slots().reserved()).isZero();
    assertThat(s.pendingAcquisitions()).isZero();
    assertThat(h.inCloud()).isLessThanOrEqualTo(8);
  }
}
