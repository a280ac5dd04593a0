package io.fleetscaler.core.slots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PermitsTest {

  @Test
  void takesFromOwnCellThenStealsThenRefuses() {
    Permits p = new Permits(4);
    p.add(1, 2);
    assertThat(p.take(3)).as("stolen from stripe 1").isTrue();
    assertThat(p.take(1)).isTrue();
    assertThat(p.take(0)).as("all cells empty, nothing in flight").isFalse();
    assertThat(p.available()).isZero();
  }

  @Test
  void takeManyIsAllOrNothing() {
    Permits p = new Permits(4);
    p.add(0, 1);
    p.add(2, 1);
    assertThat(p.takeMany(1, 3)).isFalse();
    assertThat(p.available()).as("what it gathered is given back").isEqualTo(2);
    assertThat(p.takeMany(1, 2)).isTrue();
    assertThat(p.available()).isZero();
  }

  @Test
  void bracketsAreCountedAndClosed() {
    Permits p = new Permits(2);
    p.begin(0);
    p.begin(1);
    assertThat(p.inFlight()).isEqualTo(2);
    p.end(0, 1);
    p.end(1, 0);
    assertThat(p.inFlight()).isZero();
    assertThat(p.available()).isEqualTo(1);
  }

  @Test
  void aRefusalWaitsForAnOpenBracket() throws Exception {
    Permits p = new Permits(2);
    int stripe = p.stripe();
    p.begin(stripe);
    // The taker runs on another thread and sees the bracket open: it may not refuse, and the
    // permit the bracket publishes is its to take.
    CompletableFuture<Boolean> taken = CompletableFuture.supplyAsync(() -> p.take(p.stripe()));
    p.end(stripe, 1);
    assertThat(taken.get()).isTrue();
  }

  @Test
  void stripesMustBeAPowerOfTwo() {
    assertThatThrownBy(() -> new Permits(6)).hasMessageContaining("power of two, got 6");
  }

  @Test
  void defaultStripesFollowTheProcessors() {
    assertThat(PackingSlotAllocator.defaultStripes(1)).isEqualTo(4);
    assertThat(PackingSlotAllocator.defaultStripes(2)).isEqualTo(8);
    assertThat(PackingSlotAllocator.defaultStripes(3)).isEqualTo(16);
    assertThat(PackingSlotAllocator.defaultStripes(64)).isEqualTo(PackingSlotAllocator.MAX_STRIPES);
  }

  /**
   * Threads on distinct and on shared stripes take, add and bracket at random; every permit is
   * accounted for: none is created or lost, and a take never succeeds on an empty counter.
   */
  @Test
  void conservesPermitsUnderConcurrentUse() throws InterruptedException {
    Permits p = new Permits(2);
    p.add(0, 8);
    AtomicLong taken = new AtomicLong();
    AtomicLong added = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      int seed = t;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    java.util.Random random = new java.util.Random(seed);
                    long held = 0;
                    for (int i = 0; i < 300_000; i++) {
                      int stripe = p.stripe();
                      switch (random.nextInt(3)) {
                        case 0 -> {
                          if (p.take(stripe)) {
                            held++;
                            taken.incrementAndGet();
                          }
                        }
                        case 1 -> {
                          if (held > 0) {
                            held--;
                            p.begin(stripe);
                            p.end(stripe, 1);
                            added.incrementAndGet();
                          }
                        }
                        default -> {
                          if (held > 0) {
                            held--;
                            p.add(stripe, 1);
                            added.incrementAndGet();
                          }
                        }
                      }
                    }
                    for (; held > 0; held--) {
                      p.add(p.stripe(), 1);
                      added.incrementAndGet();
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(taken.get()).as("some permits moved").isPositive();
    assertThat(added.get()).isEqualTo(taken.get());
    assertThat(p.available()).isEqualTo(8);
    assertThat(p.inFlight()).isZero();
  }
}
