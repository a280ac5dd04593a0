package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.text.MessageFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A plugin in this JVM, with no channel between it and the scaler, that stops answering: every call
 * still has its deadline. The caller stops waiting, the call is logged and counted as {@code
 * outcome="timeout"}, and the scaler carries on. The deadline is short so that the test is quick;
 * nothing is asserted about how long anything took.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PluginDeadlineTest {
  private static final Duration DEADLINE = Duration.ofMillis(200);

  private final ManualClock clock = new ManualClock();
  private final RecordingCloud cloud = new RecordingCloud(clock);
  private final HangingPlugin plugin = new HangingPlugin(cloud);
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

  @BeforeEach
  void start() {
    logger.addHandler(handler);
    scaler =
        TaskScaler.builder(plugin)
            .plugin(Settings.defaults(), "{}")
            .maxInstances(4)
            .policies(List.of(Policy.of(0)))
            .pluginCallTimeout(DEADLINE)
            .clock(clock)
            .randomSeed(7)
            .meterRegistry(meters)
            .manualTicks()
            .build();
  }

  @AfterEach
  void stop() {
    plugin.answer();
    scaler.close();
    logger.removeHandler(handler);
  }

  @Test
  void anUpdateThatNeverAnswersIsAbandonedAtItsDeadlineLoggedAndCountedAsATimeout() {
    scaler.tick();
    Instant seen = scaler.lastSuccessfulUpdate();
    plugin.hang("update");

    clock.advance(Duration.ofSeconds(2));
    scaler.tick();

    assertThat(calls("update", "timeout")).isOne();
    assertThat(calls("update", "error")).isZero();
    assertThat(scaler.lastSuccessfulUpdate()).isEqualTo(seen);
    assertThat(warnings())
        .singleElement()
        .asString()
        .contains("plugin update failed")
        .contains("no answer within its deadline of " + DEADLINE);

    plugin.answer();
    clock.set(scaler.nextTickAt());
    scaler.tick();
    assertThat(calls("update", "ok")).isEqualTo(2);
    assertThat(scaler.lastSuccessfulUpdate()).isEqualTo(clock.instant());
  }

  @Test
  void anIncreaseThatNeverAnswersIsATimeoutAndAnAmbiguityNotAFailure() {
    plugin.hang("increase");
    CompletableFuture<Acquisition> job = scaler.acquire("job", Duration.ofMinutes(10));
    scaler.tick();

    assertThat(calls("increase", "timeout")).isOne();
    assertThat(job).isNotDone();
    // The plugin may still carry the increase out: its instances are expected, never asked twice.
    assertThat(scaler.snapshot().instancesByState()).containsEntry("ambiguous", 1);
  }

  @Test
  void connectInfoThatNeverAnswersFailsTheCallerRetryablyAndIsLogged() {
    CompletableFuture<Acquisition> job = scaler.acquire("job", Duration.ofMinutes(10));
    for (int i = 0; i < 5 && !job.isDone(); i++) {
      clock.advance(Duration.ofSeconds(2));
      scaler.tick();
    }
    Acquisition acquired = job.join();
    plugin.hang("connectInfo");

    assertThatThrownBy(acquired::connectInfo)
        .isInstanceOfSatisfying(
            ProviderException.Unavailable.class,
            e -> {
              assertThat(e.deadlineExceeded()).isTrue();
              assertThat(e.retryable()).isTrue();
            })
        .hasMessageContaining("connect_info");
    // Counted and logged with the method's other failures, once.
    assertThat(calls("connect_info", "timeout")).isOne();
    assertThat(warnings())
        .singleElement()
        .asString()
        .contains("plugin connect_info failed")
        .contains("no answer within its deadline of " + DEADLINE);
  }

  @Test
  void boundedCallsRunOnTheirOwnThreadAndInlineOnesOnTheCallers() {
    List<Thread> bounded = new CopyOnWriteArrayList<>();
    cloud.onCall = call -> bounded.add(Thread.currentThread());
    scaler.tick();
    assertThat(bounded).isNotEmpty().noneMatch(t -> t == Thread.currentThread());

    RecordingCloud memory = new RecordingCloud(clock);
    List<Thread> inline = new CopyOnWriteArrayList<>();
    memory.onCall = call -> inline.add(Thread.currentThread());
    TaskScaler simulation =
        TaskScaler.builder(memory).inlinePluginCalls().clock(clock).manualTicks().build();
    try {
      simulation.tick();
    } finally {
      simulation.close();
    }
    assertThat(inline).hasSizeGreaterThanOrEqualTo(3).allMatch(t -> t == Thread.currentThread());
  }

  @Test
  void aDeadlineMustBePositive() {
    assertThatThrownBy(
            () -> TaskScaler.builder(cloud).pluginCallTimeout(Duration.ZERO).manualTicks().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plugin_call_timeout");
  }

  private List<String> warnings() {
    return logged.stream()
        .filter(r -> r.getLevel().equals(Level.WARNING))
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

  /** The recording cloud, except that a named method blocks until {@link #answer} is called. */
  private static final class HangingPlugin implements InstanceGroup {
    private final RecordingCloud cloud;
    private volatile String hanging = "";
    private volatile CountDownLatch released = new CountDownLatch(1);

    HangingPlugin(RecordingCloud cloud) {
      this.cloud = cloud;
    }

    void hang(String method) {
      released = new CountDownLatch(1);
      hanging = method;
    }

    void answer() {
      hanging = "";
      released.countDown();
    }

    /** Blocks, deaf to interrupts, until {@link #answer}: a plugin that never answers. */
    private void maybeHang(String method) {
      if (!method.equals(hanging)) {
        return;
      }
      CountDownLatch latch = released;
      boolean interrupted = false;
      while (true) {
        try {
          latch.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public ProviderInfo init(Settings settings, String pluginConfigJson) {
      return cloud.init(settings, pluginConfigJson);
    }

    @Override
    public List<InstanceStatus> update() {
      maybeHang("update");
      return cloud.update();
    }

    @Override
    public int increase(int delta) {
      maybeHang("increase");
      return cloud.increase(delta);
    }

    @Override
    public List<String> decrease(List<String> ids) {
      return cloud.decrease(ids);
    }

    @Override
    public ConnectInfo connectInfo(String id) {
      maybeHang("connectInfo");
      return cloud.connectInfo(id);
    }

    @Override
    public void heartbeat(String id) {
      cloud.heartbeat(id);
    }

    @Override
    public void shutdown() {
      cloud.shutdown();
    }
  }
}
