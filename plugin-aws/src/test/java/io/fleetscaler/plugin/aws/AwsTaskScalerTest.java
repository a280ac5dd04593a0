package io.fleetscaler.plugin.aws;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/**
 * The core's {@link TaskScaler} on an {@link AwsInstanceGroup} in moto, driven by explicit ticks
 * under a manual clock shared by the scaler and the plugin: every outcome is checked in the Auto
 * Scaling group itself, through the SDK, not only in the scaler's view.
 *
 * <p>Moto lists new instances {@code InService} at once, but a tick is repeated (a bounded number
 * of times, never with a sleep) wherever the scaler may need more than one update to see a change.
 */
@ExtendWith(MotoExtension.class)
class AwsTaskScalerTest {
  private static final String GROUP = "runners";
  private static final Duration IDLE_TIME = Duration.ofMinutes(10);
  private static final Duration JOB_TIMEOUT = Duration.ofHours(1);
  private static final int MAX_TICKS = 20;

  private final AsgFixture aws;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T12:00:00Z"));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<TaskScaler> scalers = new ArrayList<>();

  AwsTaskScalerTest(MotoServer moto) {
    this.aws = new AsgFixture(moto.endpoint());
  }

  @AfterEach
  void close() {
    scalers.forEach(TaskScaler::close);
    aws.close();
  }

  @Test
  void scalesUpFromZeroOnDemandConnectsAndScalesInToZeroAfterIdleTime() {
    aws.createGroup(GROUP, 5);
    TaskScaler scaler = scaler(3);
    assertThat(aws.group(GROUP).desiredCapacity()).isZero();

    CompletableFuture<Acquisition> first = scaler.acquire("job-1", JOB_TIMEOUT);
    CompletableFuture<Acquisition> second = scaler.acquire("job-2", JOB_TIMEOUT);

    // Waiting acquisitions raise the desired capacity at once, not at the next tick.
    assertThat(aws.group(GROUP).desiredCapacity()).isEqualTo(2);
    assertThat(aws.instanceIds(GROUP)).hasSize(2);
    tickUntil(scaler, () -> first.isDone() && second.isDone(), "both jobs placed");
    Acquisition one = first.join();
    Acquisition two = second.join();
    assertThat(List.of(one.instanceId(), two.instanceId()))
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(aws.instanceIds(GROUP));
    assertThat(aws.group(GROUP).instances())
        .allSatisfy(i -> assertThat(i.lifecycleStateAsString()).isEqualTo("InService"));

    ConnectInfo where = one.connectInfo();
    Instance ec2 = ec2Instance(one.instanceId());
    assertThat(where.id()).isEqualTo(one.instanceId());
    assertThat(where.internalAddr()).isNotEmpty().isEqualTo(ec2.privateIpAddress());
    assertThat(where.connector().username()).isEqualTo("ec2-user");
    assertThat(where.connector().privateKey()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(where.expires())
        .as("an Instance Connect key lives 60 seconds from its push, on the plugin's clock")
        .isEqualTo(clock.instant().plus(ConnectInfoLookup.INSTANCE_CONNECT_KEY_LIFETIME));

    assertThat(scaler.release("job-1")).isTrue();
    assertThat(scaler.release("job-2")).isTrue();
    clock.advance(IDLE_TIME.minusSeconds(1));
    scaler.tick();
    assertThat(aws.group(GROUP).desiredCapacity()).as("not idle long enough").isEqualTo(2);
    assertThat(aws.instanceIds(GROUP)).hasSize(2);

    clock.advance(Duration.ofSeconds(1));
    tickUntil(scaler, () -> scaler.snapshot().instances().isEmpty(), "the scaler forgets both");

    AutoScalingGroup group = aws.group(GROUP);
    assertThat(group.desiredCapacity()).as("terminated with decrement").isZero();
    assertThat(group.instances()).isEmpty();
    assertThat(ec2Instance(one.instanceId()).state().name())
        .isEqualTo(InstanceStateName.TERMINATED);
    assertThat(ec2Instance(two.instanceId()).state().name())
        .isEqualTo(InstanceStateName.TERMINATED);
    assertThat(count("fleetscaler.instance.deletions", "idle_time")).isEqualTo(2);
    scaler.tick();
    assertThat(aws.instanceIds(GROUP)).as("no replacement").isEmpty();
    assertThat(aws.group(GROUP).desiredCapacity()).isZero();
  }

  @Test
  void anInstanceTerminatedBehindItsBackCancelsItsHolderOnceAndIsNotReplacedForIt() {
    aws.createGroup(GROUP, 5);
    TaskScaler scaler = scaler(3);
    CompletableFuture<Acquisition> first = scaler.acquire("lost", JOB_TIMEOUT);
    CompletableFuture<Acquisition> second = scaler.acquire("kept", JOB_TIMEOUT);
    tickUntil(scaler, () -> first.isDone() && second.isDone(), "both jobs placed");
    Acquisition lost = first.join();
    Acquisition kept = second.join();
    List<String> causes = new ArrayList<>();
    lost.cancellation().thenAccept(causes::add);

    // As an operator (or a spot interruption) would: EC2 itself, not the group, kills it. Auto
    // Scaling (moto at once) drops it from the group and launches a replacement of its own.
    aws.ec2().terminateInstances(r -> r.instanceIds(lost.instanceId()));
    tickUntil(scaler, () -> !causes.isEmpty(), "the holder is told");

    assertThat(causes).singleElement().asString().contains(lost.instanceId()).contains("vanished");
    assertThat(lost.cancelCause()).isEqualTo(causes.get(0));
    assertThat(kept.cancelCause()).isNull();
    assertThat(scaler.release("lost")).as("its slot went with it").isFalse();
    // The replacement Auto Scaling launched is unknown to the scaler, and the lost job is no
    // demand any more: the replacement is terminated and the group settles on the kept instance.
    // It appeared after start-up with no request of the scaler's open: a replacement, not a
    // preexisting instance (that verdict is for start-up only).
    tickUntil(
        scaler,
        () -> aws.instanceIds(GROUP).equals(List.of(kept.instanceId())),
        "only the kept instance left in the group");
    tickUntil(
        scaler,
        () -> ids(scaler).equals(List.of(kept.instanceId())),
        "only the kept instance left in the scaler");
    assertThat(aws.group(GROUP).desiredCapacity()).isOne();
    assertThat(count("fleetscaler.instances.vanished", null)).isEqualTo(1);
    assertThat(count("fleetscaler.instance.deletions", "replacement")).isEqualTo(1);
    assertThat(count("fleetscaler.instance.deletions", "preexisting")).isZero();
    assertThat(scaler.snapshot().slots().acquired()).isOne();

    scaler.tick();
    assertThat(count("fleetscaler.instances.vanished", null)).as("counted once").isEqualTo(1);
    assertThat(lost.cancelCause()).isEqualTo(causes.get(0));
    assertThat(causes).hasSize(1);
    assertThat(aws.instanceIds(GROUP)).containsExactly(kept.instanceId());
    assertThat(scaler.release("kept")).isTrue();
  }

  @Test
  void neverAsksTheGroupForMoreThanMaxInstances() {
    aws.createGroup(GROUP, 5);
    TaskScaler scaler = scaler(2);
    List<CompletableFuture<Acquisition>> jobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      jobs.add(scaler.acquire("job-" + i, JOB_TIMEOUT));
    }
    assertThat(aws.group(GROUP).desiredCapacity()).as("max_instances, below MaxSize").isEqualTo(2);

    tickUntil(scaler, () -> jobs.get(0).isDone() && jobs.get(1).isDone(), "two jobs placed");
    for (int i = 0; i < 3; i++) {
      scaler.tick();
    }
    assertThat(jobs.get(2)).as("no third instance for the third job").isNotDone();
    assertThat(aws.group(GROUP).desiredCapacity()).isEqualTo(2);
    assertThat(aws.instanceIds(GROUP)).hasSize(2);
    assertThat(scaler.snapshot().recentDecisions().getLast().notScaledBecause())
        .isEqualTo("max_instances");

    String freed = jobs.get(0).join().instanceId();
    assertThat(scaler.release("job-0")).isTrue();
    assertThat(jobs.get(2)).isCompleted();
    assertThat(jobs.get(2).join().instanceId()).isEqualTo(freed);
    scaler.tick();
    assertThat(aws.group(GROUP).desiredCapacity()).isEqualTo(2);
    assertThat(aws.instanceIds(GROUP)).hasSize(2);
  }

  /** A scaler on a fresh plugin instance, on this test's clock and meter registry. */
  private TaskScaler scaler(int maxInstances) {
    ConnectorConfig connector =
        new ConnectorConfig(
            "", "", Protocol.SSH, 0, "", null, null, false, Duration.ZERO, Duration.ZERO);
    TaskScaler scaler =
        TaskScaler.builder(new AwsInstanceGroup(clock, AwsTuning.defaults()))
            .plugin(new Settings(connector), aws.config(GROUP))
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

  /** Ticks until {@code done}, at most {@link #MAX_TICKS} times, without waiting between ticks. */
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

  private Instance ec2Instance(String id) {
    return aws.ec2()
        .describeInstances(r -> r.instanceIds(id))
        .reservations()
        .get(0)
        .instances()
        .get(0);
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
