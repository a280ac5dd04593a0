package io.fleetscaler.plugin.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.plugin.api.Settings;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.text.MessageFormat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The core's scaler on moto through the fault proxy while the proxy refuses every connection (each
 * is reset before any HTTP is spoken, as an endpoint that is down looks): the failing method is
 * warned about once, with its cause; {@code update} backs off, counted as calls over a window of
 * the injected clock that a driver following {@link TaskScaler#nextTickAt()} steps through; and the
 * recovery is logged once at INFO. Counts, not timings.
 */
@ExtendWith(MotoExtension.class)
class AwsRefusedConnectionTest {
  private static final String GROUP = "runners";
  private static final Duration UPDATE_INTERVAL = Duration.ofSeconds(2);
  private static final Duration WINDOW = Duration.ofMinutes(2);

  private final AsgFixture aws;
  private final FaultInjectingProxy proxy;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Logger logger = Logger.getLogger(TaskScaler.class.getName());
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          logged.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private TaskScaler scaler;

  AwsRefusedConnectionTest(MotoServer moto) {
    this.aws = new AsgFixture(moto.endpoint());
    this.proxy = FaultInjectingProxy.start(moto.endpoint());
  }

  @BeforeEach
  void start() {
    aws.createGroup(GROUP, 10);
    String config =
        aws.config(GROUP)
            .replace(
                "\"endpoint\":\"" + aws.endpoint() + "\"",
                "\"endpoint\":\"" + proxy.endpoint() + "\"");
    AwsTuning tuning =
        AwsTuning.defaults()
            .withBackoff(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(5), d -> {});
    scaler =
        TaskScaler.builder(new AwsInstanceGroup(clock, tuning))
            .plugin(Settings.defaults(), config)
            .maxInstances(8)
            .policies(List.of(Policy.of(0)))
            .updateInterval(UPDATE_INTERVAL)
            .updateIntervalWhenExpecting(UPDATE_INTERVAL)
            .clock(clock)
            .randomSeed(7)
            .meterRegistry(meters)
            .manualTicks()
            .build();
    logger.addHandler(handler);
  }

  @AfterEach
  void close() {
    logger.removeHandler(handler);
    scaler.close();
    proxy.close();
    aws.close();
  }

  @Test
  void refusedConnectionsAreWarnedOnceWithTheCauseBackedOffAndTheRecoveryIsLogged() {
    scaler.tick();
    assertThat(calls("update", "ok")).isOne();

    proxy.refuseConnections(true);
    Instant end = clock.instant().plus(WINDOW);
    int ticks = 0;
    while (true) {
      Instant next = scaler.nextTickAt();
      if (next.isAfter(end)) {
        break;
      }
      clock.set(next);
      scaler.tick();
      ticks++;
    }

    assertThat(proxy.resets()).as("the proxy refused the plugin's connections").isPositive();
    assertThat(calls("update", "error")).as("every update in the window failed").isEqualTo(ticks);
    // At the plain 2 s interval the window holds 60 updates; 1 s doubling with jitter holds 7 to 9.
    assertThat(ticks)
        .as("updates in %s while refused (%s apart without backoff)", WINDOW, UPDATE_INTERVAL)
        .isBetween(5, 10);
    List<String> warnings = messages(Level.WARNING);
    assertThat(warnings).as("one WARN for the whole outage").hasSize(1);
    assertThat(warnings.get(0))
        .contains("plugin update failed")
        .contains("unavailable: aws DescribeAutoScalingGroups")
        .containsAnyOf(
            "Connection reset",
            "connection reset",
            "Unexpected end of file",
            "Error writing to server");
    assertThat(scaler.lastSuccessfulUpdate()).isBefore(clock.instant());

    proxy.refuseConnections(false);
    clock.set(scaler.nextTickAt());
    scaler.tick();

    assertThat(calls("update", "ok")).isEqualTo(2);
    assertThat(scaler.lastSuccessfulUpdate()).isEqualTo(clock.instant());
    List<String> infos =
        messages(Level.INFO).stream().filter(m -> m.contains("answers again")).toList();
    assertThat(infos)
        .singleElement()
        .asString()
        .contains("plugin update answers again after " + ticks + " failed call(s)");
    assertThat(Duration.between(clock.instant(), scaler.nextTickAt()))
        .as("polling at its interval again")
        .isEqualTo(UPDATE_INTERVAL);
    assertThat(messages(Level.WARNING)).hasSize(1);
  }

  private List<String> messages(Level level) {
    return logged.stream()
        .filter(r -> r.getLevel().equals(level))
        .map(r -> MessageFormat.format(r.getMessage(), r.getParameters()))
        .toList();
  }

  private double calls(String method, String outcome) {
    FunctionCounter c =
        meters
            .find("fleetscaler.plugin.calls")
            .tag("method", method)
            .tag("outcome", outcome)
            .functionCounter();
    assertThat(c).as("plugin calls %s %s", method, outcome).isNotNull();
    return c == null ? Double.NaN : c.count();
  }

  /** A clock that moves only when told; shared by the scaler and the plugin. */
  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
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
