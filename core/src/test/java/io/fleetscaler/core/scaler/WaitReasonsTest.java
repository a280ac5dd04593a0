package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * "Why is my job waiting?": each blocking reason appears with its figures when it holds and goes
 * when it stops; the answer never waits for the scaler's lock; a timed-out acquisition names the
 * reasons that held it; the metrics say the same.
 */
class WaitReasonsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static BlockingReason reason(WaitReasons w, BlockingReason.Kind kind) {
    return w.reasons().stream()
        .filter(r -> r.kind() == kind)
        .findFirst()
        .orElseThrow(() -> new AssertionError(kind + " does not hold: " + w));
  }

  private double blocked(String reason) {
    return registry.get("fleetscaler.scale.blocked").tag("reason", reason).gauge().value();
  }

  @Test
  void atMaxInstancesATimedOutAcquisitionSaysSo() {
    Harness h = new Harness(b -> b.maxInstances(1).meterRegistry(registry));
    CompletableFuture<Acquisition> first = h.scaler.acquire("k1", Duration.ofMinutes(10));
    h.bootAll();
    assertThat(first).isCompleted();
    assertThat(h.scaler.waitReasons().holds(BlockingReason.Kind.MAX_INSTANCES)).isFalse();
    assertThat(blocked("max_instances")).isZero();

    CompletableFuture<Acquisition> second = h.scaler.acquire("k2", Duration.ofSeconds(60));
    WaitReasons w = h.scaler.waitReasons();
    BlockingReason max = reason(w, BlockingReason.Kind.MAX_INSTANCES);
    assertThat(max.count()).isEqualTo(1);
    assertThat(max.limit()).isEqualTo(1);
    assertThat(max.detail()).contains("1 instances of 1").contains("1 acquisitions waiting");
    assertThat(w.pendingAcquisitions()).isEqualTo(1);
    assertThat(blocked("max_instances")).isEqualTo(1);

    h.advance(Duration.ofSeconds(61));
    assertThat(second).isCompletedExceptionally();
    assertThat(second.exceptionNow())
        .isInstanceOf(NoCapacityException.class)
        .hasMessageContaining("held by: max_instances (at max_instances: 1 instances of 1");
    assertThat(
            registry
                .get("fleetscaler.acquire.timeouts")
                .tag("reason", "max_instances")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(registry.get("fleetscaler.acquire.timeouts").tag("reason", "none").functionCounter())
        .satisfies(c -> assertThat(c.count()).isZero());
    var wait = registry.get("fleetscaler.acquire.wait").timer();
    assertThat(wait.count()).isEqualTo(2);
    assertThat(wait.max(TimeUnit.SECONDS)).isGreaterThanOrEqualTo(60);
    // Released, the instance serves again: nothing holds capacity back at the maximum any more.
    h.scaler.release("k1");
    h.advance(Duration.ofSeconds(1));
    assertThat(h.scaler.waitReasons().holds(BlockingReason.Kind.MAX_INSTANCES)).isFalse();
  }

  @Test
  void bootingInstancesCarryTheirExpectedReadyTime() {
    Harness h = new Harness(b -> b.maxInstances(3).meterRegistry(registry));
    WaitReasons none = h.scaler.waitReasons();
    assertThat(none.holds(BlockingReason.Kind.BOOTING)).isFalse();

    CompletableFuture<Acquisition> first = h.scaler.acquire("k1", Duration.ofMinutes(10));
    WaitReasons asked = h.scaler.waitReasons();
    BlockingReason booting = reason(asked, BlockingReason.Kind.BOOTING);
    assertThat(booting.count()).isEqualTo(1);
    assertThat(booting.until()).isNull(); // no boot seen yet: no estimate
    assertThat(booting.detail()).contains("no boot time observed yet");
    assertThat(blocked("booting")).isEqualTo(1);
    h.bootAll(); // learns one request-to-ready time: Harness.BOOT
    assertThat(first).isCompleted();
    assertThat(h.scaler.waitReasons().holds(BlockingReason.Kind.BOOTING)).isFalse();

    Instant askedAt = h.clock.instant();
    var second = h.scaler.acquire("k2", Duration.ofMinutes(10));
    WaitReasons w = h.scaler.waitReasons();
    assertThat(w.booting())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.phase()).isEqualTo("requested");
              assertThat(b.since()).isEqualTo(askedAt);
              assertThat(b.expectedReadyAt()).isEqualTo(askedAt.plus(Harness.BOOT));
            });
    h.advance(Duration.ofSeconds(5)); // listed by the cloud now, still booting
    w = h.scaler.waitReasons();
    assertThat(w.booting())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.id()).isNotEmpty();
              assertThat(b.phase()).isIn("creating", "running");
              assertThat(b.expectedReadyAt()).isEqualTo(askedAt.plus(Harness.BOOT));
            });
    BlockingReason r = reason(w, BlockingReason.Kind.BOOTING);
    assertThat(r.until()).isEqualTo(askedAt.plus(Harness.BOOT));
    assertThat(r.detail()).contains("1 instance(s) booting").contains("typical boot 30s");
    h.advance(Harness.BOOT);
    assertThat(second).isCompleted();
    assertThat(h.scaler.waitReasons().booting()).isEmpty();
  }

  @Test
  void aProviderErrorShowsItsBackoffAndItsText() {
    Harness h = new Harness(b -> b.maxInstances(3).meterRegistry(registry));
    h.cloud.refuseNextIncreases(1);
    var unused1 = h.scaler.acquire("k1", Duration.ofMinutes(10));
    WaitReasons w = h.scaler.waitReasons();
    BlockingReason backoff = reason(w, BlockingReason.Kind.PROVIDER_BACKOFF);
    assertThat(backoff.error()).isEqualTo("unavailable: simulated timeout before the cloud");
    assertThat(backoff.count()).isEqualTo(1);
    assertThat(backoff.since()).isEqualTo(h.clock.instant());
    assertThat(backoff.until()).isAfter(h.clock.instant());
    assertThat(backoff.detail()).contains("simulated timeout before the cloud");
    assertThat(w.holds(BlockingReason.Kind.CAPACITY_ERROR)).isFalse();
    assertThat(blocked("provider_backoff")).isEqualTo(1);
  }

  @Test
  void aCapacityRefusalHoldsUntilAnIncreaseIsGranted() {
    Harness h = new Harness(b -> b.maxInstances(3).meterRegistry(registry));
    h.simulated.failNextIncreases(1);
    var unused2 = h.scaler.acquire("k1", Duration.ofMinutes(10));
    WaitReasons w = h.scaler.waitReasons();
    BlockingReason capacity = reason(w, BlockingReason.Kind.CAPACITY_ERROR);
    assertThat(capacity.error()).startsWith("capacity: simulated capacity error");
    assertThat(capacity.count()).isEqualTo(1);
    assertThat(reason(w, BlockingReason.Kind.PROVIDER_BACKOFF).error()).isEqualTo(capacity.error());
    assertThat(blocked("capacity_error")).isEqualTo(1);

    h.advance(Backoff.MAX); // the backoff is over: this tick's plan asks again and is granted
    WaitReasons after = h.scaler.waitReasons();
    assertThat(after.holds(BlockingReason.Kind.CAPACITY_ERROR)).isFalse();
    assertThat(after.holds(BlockingReason.Kind.PROVIDER_BACKOFF)).isFalse();
    assertThat(after.holds(BlockingReason.Kind.BOOTING)).isTrue();
  }

  @Test
  void theThrottleSaysHowManyCreationsWait() {
    Harness h = new Harness(b -> b.maxInstances(5).scaleThrottle(0.001, 1).meterRegistry(registry));
    var unused3 = h.scaler.acquire("k1", Duration.ofMinutes(10)); // takes the one token
    var unused4 = h.scaler.acquire("k2", Duration.ofMinutes(10));
    BlockingReason throttle = reason(h.scaler.waitReasons(), BlockingReason.Kind.SCALE_THROTTLE);
    assertThat(throttle.count()).isEqualTo(1);
    assertThat(throttle.detail()).contains("allowed 0 of 1 planned creations");
    assertThat(blocked("scale_throttle")).isEqualTo(1);
  }

  @Test
  void aFailingUpdateIsCountedAndClears() {
    Harness h = new Harness(b -> b.meterRegistry(registry));
    h.cloud.failNextUpdates(2);
    Instant since = h.clock.instant();
    h.scaler.tick();
    h.advance(Duration.ofSeconds(10));
    BlockingReason failing = reason(h.scaler.waitReasons(), BlockingReason.Kind.UPDATE_FAILING);
    assertThat(failing.count()).isEqualTo(2);
    assertThat(failing.since()).isEqualTo(since);
    assertThat(blocked("update_failing")).isEqualTo(1);
    h.advance(Duration.ofSeconds(10));
    assertThat(h.scaler.waitReasons().holds(BlockingReason.Kind.UPDATE_FAILING)).isFalse();
  }

  @Test
  void thePolicySaysWhenItKeepsNothingIdleOrRefusesReservations() {
    Harness zero = Harness.withPolicy(Policy.of(0).withPreemptiveMode(true), 3, 1);
    WaitReasons w = zero.scaler.waitReasons();
    assertThat(w.holds(BlockingReason.Kind.IDLE_TARGET_ZERO)).isTrue();
    assertThat(reason(w, BlockingReason.Kind.IDLE_TARGET_ZERO).detail())
        .contains("idle_count 0)")
        .doesNotContain("in periods"); // always active: no periods to name
    assertThat(w.holds(BlockingReason.Kind.PREEMPTIVE_MODE)).isTrue();
    assertThat(zero.scaler.reserve("k1")).isEqualTo(ReserveResult.NO_CAPACITY);

    Harness warm = Harness.withPolicy(Policy.of(1).withPreemptiveMode(true), 3, 1);
    warm.bootAll();
    WaitReasons ready = warm.scaler.waitReasons();
    assertThat(ready.holds(BlockingReason.Kind.IDLE_TARGET_ZERO)).isFalse();
    assertThat(ready.holds(BlockingReason.Kind.PREEMPTIVE_MODE)).isFalse(); // an idle slot is free
    assertThat(ready.reasons()).isEmpty();
    assertThat(ready.summary()).isEqualTo("no blocking reason known");
  }

  @Test
  void aShutDownScalerSaysSo() {
    Harness h = new Harness(b -> b);
    h.scaler.shutdown();
    assertThat(h.scaler.waitReasons().holds(BlockingReason.Kind.SHUT_DOWN)).isTrue();
  }

  /** An update that blocks until the test lets it go, as a slow cloud's would. */
  static final class StuckUpdates implements InstanceGroup {
    final SimulatedInstanceGroup cloud;
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean stick;

    StuckUpdates(SimulatedInstanceGroup cloud) {
      this.cloud = cloud;
    }

    @Override
    public ProviderInfo init(Settings settings, String pluginConfigJson) {
      return cloud.init(settings, pluginConfigJson);
    }

    @Override
    public List<InstanceStatus> update() {
      if (stick) {
        entered.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return cloud.update();
    }

    @Override
    public int increase(int delta) {
      return cloud.increase(delta);
    }

    @Override
    public List<String> decrease(List<String> ids) {
      return cloud.decrease(ids);
    }

    @Override
    public ConnectInfo connectInfo(String id) {
      return cloud.connectInfo(id);
    }

    @Override
    public void heartbeat(String id) {}

    @Override
    public void shutdown() {}
  }

  @Test
  void theAnswerNeverWaitsForAPluginCall() throws Exception {
    ManualClock clock = new ManualClock();
    StuckUpdates cloud = new StuckUpdates(new SimulatedInstanceGroup(clock));
    TaskScaler scaler =
        TaskScaler.builder(cloud)
            .maxInstances(1)
            .clock(clock)
            .manualTicks()
            .meterRegistry(registry)
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      var unused5 = scaler.acquire("k1", Duration.ofMinutes(10));
      cloud.stick = true;
      Future<?> tick = pool.submit(scaler::tick); // holds the control lock inside update
      assertThat(cloud.entered.await(30, TimeUnit.SECONDS)).isTrue();
      Future<WaitReasons> answer = pool.submit(scaler::waitReasons);
      WaitReasons w;
      try {
        w = answer.get(30, TimeUnit.SECONDS); // bounded: a lock wait would hang here
      } catch (ExecutionException e) {
        throw new AssertionError(e);
      }
      assertThat(w.pendingAcquisitions()).isEqualTo(1);
      assertThat(w.holds(BlockingReason.Kind.BOOTING)).isTrue();
      assertThat(blocked("booting")).isEqualTo(1);
      cloud.release.countDown();
      tick.get(30, TimeUnit.SECONDS);
    } finally {
      cloud.release.countDown();
      pool.shutdownNow();
      scaler.shutdown();
    }
  }
}
