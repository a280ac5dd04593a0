package io.fleetscaler.plugin.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.Acquisition;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.aws.FaultInjectingProxy.LoseAnswer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The core's scaler on moto through the fault proxy, with {@code SetDesiredCapacity} answers lost
 * (moto applies every attempt; the scaler sees a failure): the instances it asked for are adopted,
 * never deleted as {@code preexisting} nor asked for again. Counts, not timings: ticks are explicit
 * and the clock is manual.
 */
@ExtendWith(MotoExtension.class)
class AwsLostAnswerTest {
  private static final String GROUP = "runners";
  private static final String SET_DESIRED = "SetDesiredCapacity";
  private static final Duration JOB_TIMEOUT = Duration.ofHours(1);
  private static final int MAX_TICKS = 20;

  /** The SDK's attempts per call: losing this many answers makes the plugin's call fail. */
  private static final int SDK_ATTEMPTS = 3;

  private final AsgFixture aws;
  private final FaultInjectingProxy proxy;
  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T12:00:00Z"));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<TaskScaler> scalers = new ArrayList<>();

  AwsLostAnswerTest(MotoServer moto) {
    this.aws = new AsgFixture(moto.endpoint());
    this.proxy = FaultInjectingProxy.start(moto.endpoint());
  }

  @AfterEach
  void close() {
    scalers.forEach(TaskScaler::close);
    proxy.close();
    aws.close();
  }

  @Test
  void aLostSetDesiredCapacityAnswerDeletesNothingAndLaunchesNoMoreThanDemand() {
    aws.createGroup(GROUP, 10);
    TaskScaler scaler = scaler(8, 3);
    LoseAnswer[] lost = new LoseAnswer[SDK_ATTEMPTS];
    java.util.Arrays.fill(lost, new LoseAnswer());
    proxy.fail(SET_DESIRED, lost);

    scaler.tick(); // the idle target: 3 asked for, the answer lost; moto applied it
    assertThat(aws.group(GROUP).desiredCapacity()).isEqualTo(3);
    assertThat(count("fleetscaler.plugin.calls", "increase", "error")).isOne();
    assertThat(scaler.snapshot().instancesByState()).containsEntry("ambiguous", 3);

    List<CompletableFuture<Acquisition>> jobs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      jobs.add(scaler.acquire("job-" + i, JOB_TIMEOUT));
    }
    clock.advance(Duration.ofSeconds(2)); // past the first failure's backoff (at most 1 s)
    for (int i = 0; i < MAX_TICKS && !jobs.stream().allMatch(CompletableFuture::isDone); i++) {
      scaler.tick();
      clock.advance(Duration.ofSeconds(2));
    }
    assertThat(jobs).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    for (int i = 0; i < 3; i++) {
      scaler.tick();
    }

    assertThat(deletions("preexisting")).isZero();
    assertThat(deletions("replacement")).isZero();
    assertThat(launched()).as("five jobs plus three idle, each launched once").isEqualTo(8);
    assertThat(aws.instanceIds(GROUP)).hasSize(8);
    assertThat(aws.group(GROUP).desiredCapacity()).isEqualTo(8);
    assertThat(scaler.snapshot().instancesByState()).containsEntry("ambiguous", 0);
    assertThat(proxy.requests("TerminateInstanceInAutoScalingGroup")).isZero();
  }

  @Test
  void aLostAnswerForAWaitingJobIsAdoptedAndServesIt() {
    aws.createGroup(GROUP, 10);
    TaskScaler scaler = scaler(8, 0);
    LoseAnswer[] lost = new LoseAnswer[SDK_ATTEMPTS];
    java.util.Arrays.fill(lost, new LoseAnswer());
    proxy.fail(SET_DESIRED, lost);

    CompletableFuture<Acquisition> job = scaler.acquire("job", JOB_TIMEOUT);
    for (int i = 0; i < MAX_TICKS && !job.isDone(); i++) {
      clock.advance(Duration.ofSeconds(2));
      scaler.tick();
    }

    assertThat(job).isCompleted();
    assertThat(aws.instanceIds(GROUP)).containsExactly(job.join().instanceId());
    assertThat(launched()).isOne();
    assertThat(deletions("preexisting")).isZero();
    assertThat(proxy.requests(SET_DESIRED)).as("asked once, retried by the SDK only").isEqualTo(3);
  }

  @Test
  void anUnavailableCloudIsWarnedOnceWithItsCauseAndPolledWithBackoff() {
    aws.createGroup(GROUP, 10);
    TaskScaler scaler = scaler(8, 0);
    scaler.tick();
    java.time.Instant seen = clock.instant();
    List<java.util.logging.LogRecord> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Logger logger =
        java.util.logging.Logger.getLogger(TaskScaler.class.getName());
    java.util.logging.Handler handler =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            if (r.getLevel().equals(java.util.logging.Level.WARNING)) {
              warnings.add(r);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(handler);
    try {
      int failures = 5;
      FaultInjectingProxy.Fault[] down = new FaultInjectingProxy.Fault[failures * SDK_ATTEMPTS];
      java.util.Arrays.fill(down, new FaultInjectingProxy.Reject(503, "ServiceUnavailable"));
      proxy.fail("DescribeAutoScalingGroups", down);
      List<Duration> gaps = new ArrayList<>();
      for (int i = 0; i < failures; i++) {
        clock.set(scaler.nextTickAt());
        scaler.tick();
        gaps.add(Duration.between(clock.instant(), scaler.nextTickAt()));
      }

      assertThat(count("fleetscaler.plugin.calls", "update", "error")).isEqualTo(failures);
      assertThat(warnings).hasSize(1);
      assertThat(
              java.text.MessageFormat.format(
                  warnings.get(0).getMessage(), warnings.get(0).getParameters()))
          .contains("update")
          .contains("ServiceUnavailable");
      // 1 s doubling with jitter: the 5th wait (8 to 16 s) is past the 2 s interval.
      assertThat(gaps.get(failures - 1)).isGreaterThanOrEqualTo(Duration.ofSeconds(8));
      assertThat(scaler.lastSuccessfulUpdate()).isEqualTo(seen);

      clock.set(scaler.nextTickAt());
      scaler.tick();
      assertThat(scaler.lastSuccessfulUpdate()).isEqualTo(clock.instant());
      assertThat(count("fleetscaler.plugin.calls", "update", "ok")).isEqualTo(2);
    } finally {
      logger.removeHandler(handler);
    }
  }

  private TaskScaler scaler(int maxInstances, int idleCount) {
    ConnectorConfig connector =
        new ConnectorConfig(
            "", "", Protocol.SSH, 0, "", null, null, false, Duration.ZERO, Duration.ZERO);
    String config =
        aws.config(GROUP)
            .replace(
                "\"endpoint\":\"" + aws.endpoint() + "\"",
                "\"endpoint\":\"" + proxy.endpoint() + "\"");
    TaskScaler scaler =
        TaskScaler.builder(new AwsInstanceGroup(clock, AwsTuning.defaults()))
            .plugin(new Settings(connector), config)
            .maxInstances(maxInstances)
            .policies(List.of(Policy.of(idleCount).withIdleTime(Duration.ofMinutes(10))))
            .updateInterval(Duration.ofSeconds(2))
            .clock(clock)
            .randomSeed(7)
            .meterRegistry(meters)
            .manualTicks()
            .build();
    scalers.add(scaler);
    return scaler;
  }

  /** Every EC2 instance moto ever launched, terminated ones included. */
  private long launched() {
    return aws.ec2().describeInstances().reservations().stream()
        .mapToLong(r -> r.instances().size())
        .sum();
  }

  private double deletions(String reason) {
    FunctionCounter c =
        meters.find("fleetscaler.instance.deletions").tag("reason", reason).functionCounter();
    assertThat(c).as("deletions %s", reason).isNotNull();
    return c == null ? Double.NaN : c.count();
  }

  private double count(String meter, String method, String outcome) {
    FunctionCounter c =
        meters.find(meter).tag("method", method).tag("outcome", outcome).functionCounter();
    assertThat(c).as("%s %s %s", meter, method, outcome).isNotNull();
    return c == null ? Double.NaN : c.count();
  }

  /** A clock that moves only when told; shared by the scaler and the plugin. */
  private static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant start) {
      this.now = start;
    }

    void advance(Duration step) {
      now = now.plus(step);
    }

    void set(Instant instant) {
      now = instant;
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
