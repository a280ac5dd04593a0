package io.fleetscaler.plugin.azure;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.planner.InstanceInfo;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.Acquisition;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.api.Settings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The core's {@link TaskScaler} on an {@link AzureInstanceGroup} over {@link FakeArm}, on both
 * orchestration modes, driven by explicit ticks under a manual clock: every outcome is checked in
 * the fake scale set itself, not only in the scaler's view. The fake moves with requests, so a tick
 * is repeated (a bounded number of times, never with a sleep) where the scaler needs several
 * updates to see a change.
 */
class AzureTaskScalerTest {
  private static final String SET = "runners";
  private static final Duration IDLE_TIME = Duration.ofMinutes(10);
  private static final Duration JOB_TIMEOUT = Duration.ofHours(1);
  private static final int MAX_TICKS = 20;

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T12:00:00Z"));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<TaskScaler> scalers = new ArrayList<>();

  @SuppressWarnings("NullAway.Init")
  private FakeArm arm;

  @BeforeEach
  void start() throws Exception {
    arm = new FakeArm();
  }

  @AfterEach
  void close() {
    scalers.forEach(TaskScaler::close);
    arm.close();
  }

  @ParameterizedTest(name = "flexible={0}")
  @ValueSource(booleans = {false, true})
  void scalesUpFromZeroConnectsAndScalesInByDeletingExactlyTheIdleVms(boolean flexible) {
    arm.createScaleSet(SET, flexible);
    arm.creatingLists = 2;
    TaskScaler scaler = scaler(3);
    assertThat(arm.capacity(SET)).isZero();

    CompletableFuture<Acquisition> first = scaler.acquire("job-1", JOB_TIMEOUT);
    CompletableFuture<Acquisition> second = scaler.acquire("job-2", JOB_TIMEOUT);
    tickUntil(scaler, () -> first.isDone() && second.isDone(), "both jobs placed");
    assertThat(arm.capacity(SET)).isEqualTo(2);
    Acquisition one = first.join();
    Acquisition two = second.join();
    assertThat(List.of(one.instanceId(), two.instanceId()))
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(arm.states(SET).keySet());
    assertThat(arm.states(SET).values()).containsOnly("Succeeded/running");

    ConnectInfo where = one.connectInfo();
    assertThat(where.id()).isEqualTo(one.instanceId());
    assertThat(where.internalAddr()).isEqualTo(arm.privateIp(SET, one.instanceId()));
    assertThat(where.externalAddr()).isEqualTo(arm.publicIp(SET, one.instanceId()));
    assertThat(where.connector().username()).isEqualTo("azureuser");
    assertThat(where.connector().os()).isEqualTo("linux");
    assertThat(where.connector().privateKey()).isEqualTo("KEY");
    assertThat(where.expires()).as("static credentials do not expire").isNull();

    assertThat(scaler.release("job-1")).isTrue();
    assertThat(scaler.release("job-2")).isTrue();
    clock.advance(IDLE_TIME.minusSeconds(1));
    scaler.tick();
    assertThat(arm.capacity(SET)).as("not idle long enough").isEqualTo(2);

    clock.advance(Duration.ofSeconds(1));
    tickUntil(scaler, () -> scaler.snapshot().instances().isEmpty(), "the scaler forgets both");
    assertThat(arm.capacity(SET)).as("delete-instances lowered the capacity").isZero();
    assertThat(arm.states(SET)).isEmpty();
    assertThat(arm.count("POST delete")).isPositive();
    assertThat(arm.count("PATCH vmss")).as("capacity raised").isPositive();
    assertThat(arm.count("PATCH lowered capacity")).as("capacity never lowered").isZero();
    assertThat(count("fleetscaler.instance.deletions", "idle_time")).isEqualTo(2);
    scaler.tick();
    assertThat(arm.states(SET)).as("no replacement").isEmpty();
    assertThat(arm.unexpected()).isEmpty();
  }

  @ParameterizedTest(name = "flexible={0}")
  @ValueSource(booleans = {false, true})
  void neverAsksForMoreThanMaxInstances(boolean flexible) {
    arm.createScaleSet(SET, flexible);
    TaskScaler scaler = scaler(2);
    List<CompletableFuture<Acquisition>> jobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      jobs.add(scaler.acquire("job-" + i, JOB_TIMEOUT));
    }
    tickUntil(scaler, () -> jobs.get(0).isDone() && jobs.get(1).isDone(), "two jobs placed");
    for (int i = 0; i < 3; i++) {
      scaler.tick();
    }
    assertThat(jobs.get(2)).as("no third VM for the third job").isNotDone();
    assertThat(arm.capacity(SET)).isEqualTo(2);
    assertThat(arm.states(SET)).hasSize(2);
    assertThat(scaler.snapshot().recentDecisions().getLast().notScaledBecause())
        .isEqualTo("max_instances");
    assertThat(scaler.release("job-0")).isTrue();
    assertThat(jobs.get(2)).isCompleted();
  }

  @ParameterizedTest(name = "flexible={0}")
  @ValueSource(booleans = {false, true})
  void aVmWhoseProvisioningFailedIsDeletedAndReplaced(boolean flexible) {
    arm.createScaleSet(SET, flexible);
    arm.failNextVms(1);
    TaskScaler scaler = scaler(3);
    CompletableFuture<Acquisition> job = scaler.acquire("job", JOB_TIMEOUT);
    tickUntil(scaler, job::isDone, "the job placed on a replacement");
    assertThat(arm.states(SET)).as("only the replacement left").hasSize(1);
    assertThat(arm.states(SET)).containsEntry(job.join().instanceId(), "Succeeded/running");
    assertThat(count("fleetscaler.instance.deletions", "timeout")).isEqualTo(1);
    assertThat(arm.count("POST delete")).isPositive();
    assertThat(arm.capacity(SET)).isOne();
  }

  @ParameterizedTest(name = "flexible={0}")
  @ValueSource(booleans = {false, true})
  void aVmDeletedBehindTheScalersBackCancelsItsHolderOnceAndIsNotReplaced(boolean flexible) {
    arm.createScaleSet(SET, flexible);
    TaskScaler scaler = scaler(3);
    CompletableFuture<Acquisition> first = scaler.acquire("lost", JOB_TIMEOUT);
    CompletableFuture<Acquisition> second = scaler.acquire("kept", JOB_TIMEOUT);
    tickUntil(scaler, () -> first.isDone() && second.isDone(), "both jobs placed");
    Acquisition lost = first.join();
    Acquisition kept = second.join();
    List<String> causes = new ArrayList<>();
    lost.cancellation().thenAccept(causes::add);

    arm.deleteBehindTheBack(SET, lost.instanceId());
    tickUntil(scaler, () -> !causes.isEmpty(), "the holder is told");
    assertThat(causes).singleElement().asString().contains(lost.instanceId()).contains("vanished");
    assertThat(kept.cancelCause()).isNull();
    assertThat(scaler.release("lost")).isFalse();
    tickUntil(
        scaler, () -> ids(scaler).equals(List.of(kept.instanceId())), "only the kept VM left");
    scaler.tick();
    assertThat(arm.states(SET).keySet()).containsExactly(kept.instanceId());
    assertThat(arm.capacity(SET)).isOne();
    assertThat(count("fleetscaler.instances.vanished", null)).isEqualTo(1);
    assertThat(scaler.release("kept")).isTrue();
  }

  private TaskScaler scaler(int maxInstances) {
    ConnectorConfig connector =
        new ConnectorConfig(
            "", "", Protocol.SSH, 0, "", null, "KEY", true, Duration.ZERO, Duration.ZERO);
    TaskScaler scaler =
        TaskScaler.builder(new AzureInstanceGroup(clock, AzureConformanceBase.FAST))
            .plugin(new Settings(connector), arm.config(SET))
            .maxInstances(maxInstances)
            .policies(List.of(Policy.of(0).withIdleTime(IDLE_TIME)))
            .clock(clock)
            .randomSeed(7)
            .meterRegistry(meters)
            .manualTicks()
            .build();
    scalers.add(scaler);
    return scaler;
  }

  private static void tickUntil(TaskScaler scaler, BooleanSupplier done, String what) {
    for (int i = 0; i < MAX_TICKS; i++) {
      scaler.tick();
      if (done.getAsBoolean()) {
        return;
      }
    }
    throw new AssertionError(
        "not reached after " + MAX_TICKS + " ticks: " + what + "; scaler: " + scaler.snapshot());
  }

  private static List<String> ids(TaskScaler scaler) {
    return scaler.snapshot().instances().stream().map(InstanceInfo::id).toList();
  }

  private double count(String meter, @Nullable String reason) {
    var search = meters.find(meter);
    if (reason != null) {
      search = search.tag("reason", reason);
    }
    var counter = search.functionCounter();
    assertThat(counter).as("meter %s reason %s", meter, reason).isNotNull();
    return counter == null ? Double.NaN : counter.count();
  }

  /** A clock that moves only when told; shared by the scaler and the plugin. */
  private static final class ManualClock extends Clock {
    private volatile Instant now;

    ManualClock(Instant start) {
      this.now = start;
    }

    void advance(Duration step) {
      now = now.plus(step);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("fixed to UTC");
    }
  }
}
