package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With its own loop and an {@code update_interval} of an hour, the scaler still plans on events: an
 * acquisition that empties the idle pool asks for a refill, and the release of an instance's last
 * use ({@code max_use_count}) deletes it, on the provisioner's thread, long before the next tick.
 * The test waits (bounded) for the plugin call the event causes; no sleep, no timing assert.
 */
class EventPlanningTest {
  private static final long BOUND_SECONDS = 30;

  /** A cloud whose instances run at once; it reports each increase and decrease to the test. */
  static final class InstantCloud implements InstanceGroup {
    final BlockingQueue<Integer> increases = new LinkedBlockingQueue<>();
    final BlockingQueue<List<String>> decreases = new LinkedBlockingQueue<>();
    final CountDownLatch firstUpdate = new CountDownLatch(1);
    final BlockingQueue<Integer> increasesEntered = new LinkedBlockingQueue<>();
    private final Map<String, InstanceState> instances = new LinkedHashMap<>();
    private int next;
    private volatile CountDownLatch increaseGate = new CountDownLatch(0);

    InstantCloud(int running) {
      for (int i = 0; i < running; i++) {
        instances.put("i-" + next++, InstanceState.RUNNING);
      }
    }

    @Override
    public ProviderInfo init(Settings settings, String pluginConfigJson) {
      return new ProviderInfo("instant", 100, "1", "", java.util.Set.of());
    }

    @Override
    public synchronized List<InstanceStatus> update() {
      List<InstanceStatus> report = new ArrayList<>();
      instances.forEach((id, state) -> report.add(new InstanceStatus(id, state)));
      firstUpdate.countDown();
      return report;
    }

    /** Holds every increase (the plan calling it, and so the loop's thread) until released. */
    CountDownLatch holdIncreases() {
      CountDownLatch gate = new CountDownLatch(1);
      increaseGate = gate;
      return gate;
    }

    @Override
    public int increase(int delta) {
      increasesEntered.add(delta);
      try {
        if (!increaseGate.await(BOUND_SECONDS, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released the increase");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      synchronized (this) {
        for (int i = 0; i < delta; i++) {
          instances.put("i-" + next++, InstanceState.RUNNING);
        }
        increases.add(delta);
        return delta;
      }
    }

    @Override
    public synchronized List<String> decrease(List<String> ids) {
      ids.forEach(instances::remove);
      decreases.add(List.copyOf(ids));
      return ids;
    }

    @Override
    public ConnectInfo connectInfo(String id) {
      return new ConnectInfo(id, ConnectorConfig.defaults(), "10.0.0.1", "", null);
    }

    @Override
    public void heartbeat(String id) {}

    @Override
    public void shutdown() {}
  }

  private final List<TaskScaler> scalers = new ArrayList<>();

  @AfterEach
  void close() {
    scalers.forEach(TaskScaler::close);
  }

  /** A scaler with its own loop, adopting the cloud's one running instance at its first tick. */
  private TaskScaler scaler(InstantCloud cloud, int idleCount, int maxUse) throws Exception {
    TaskScaler s =
        TaskScaler.builder(cloud)
            .maxInstances(4)
            .maxUseCount(maxUse)
            .policies(List.of(Policy.of(idleCount).withIdleTime(Duration.ofHours(1))))
            .updateInterval(Duration.ofHours(1))
            .updateIntervalWhenExpecting(Duration.ofHours(1))
            .removePreexistingInstances(false)
            .build();
    scalers.add(s);
    assertThat(cloud.firstUpdate.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
    // The snapshot never waits for the lock, so it shows the first tick's adoption once that
    // tick has finished: await it, bounded.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    while (s.snapshot().instancesByState().getOrDefault("ready", 0) != 1
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(s.snapshot().instancesByState()).containsEntry("ready", 1);
    return s;
  }

  @Test
  void anAcquisitionThatEmptiesTheIdlePoolRefillsItWithoutWaitingForATick() throws Exception {
    InstantCloud cloud = new InstantCloud(1);
    TaskScaler s = scaler(cloud, 1, 0);
    assertThat(cloud.increases).isEmpty();

    assertThat(s.acquire("job", Duration.ofMinutes(1))).isCompleted();

    assertThat(cloud.increases.poll(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
  }

  @Test
  void theReleaseOfAnInstancesLastUseDeletesItWithoutWaitingForATick() throws Exception {
    InstantCloud cloud = new InstantCloud(1);
    TaskScaler s = scaler(cloud, 0, 1);
    assertThat(s.acquire("job", Duration.ofMinutes(1))).isCompleted();

    assertThat(s.release("job")).isTrue();

    assertThat(cloud.decreases.poll(BOUND_SECONDS, TimeUnit.SECONDS)).containsExactly("i-0");
    assertThat(cloud.increases).isEmpty();
  }

  /**
   * While a plan is under way (the loop's thread inside a slow increase), two thousand events ask
   * for one more plan, not two thousand; and that plan, asked for after the first had started, is
   * not lost: it creates the instance the acquisition that came last waits for.
   */
  @Test
  void aBurstOfEventsDuringAPlanCostsOneMorePlanAndLosesNone() throws Exception {
    InstantCloud cloud = new InstantCloud(1);
    EngineTaskScaler s = (EngineTaskScaler) scaler(cloud, 1, 0);
    CountDownLatch gate = cloud.holdIncreases();
    assertThat(s.acquire("a", Duration.ofMinutes(1))).isCompleted(); // empties the pool: a plan
    assertThat(cloud.increasesEntered.poll(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(s.eventPlans()).isEqualTo(1);

    for (int i = 0; i < 1000; i++) {
      assertThat(s.release("a")).isTrue();
      assertThat(s.acquire("a", Duration.ofMinutes(1))).isCompleted();
    }
    CompletableFuture<Acquisition> b = s.acquire("b", Duration.ofMinutes(1));
    assertThat(b).isNotDone(); // no free slot: it needs one more instance
    gate.countDown();

    assertThat(cloud.increases.poll(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(1); // the refill
    assertThat(cloud.increases.poll(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(1); // b's
    assertThat(s.eventPlans()).isEqualTo(2);
  }

  /**
   * With manual ticks an event plans at once on its own thread; one that happens while the lock is
   * held (here: inside the tick's update, which then fails, so the tick cannot plan) is planned by
   * the holder as it lets go, not lost until a later tick.
   */
  @Test
  void anEventDuringATickWhoseUpdateFailsIsPlannedAsTheTickLetsGo() {
    ManualClock clock = new ManualClock();
    RecordingCloud cloud = new RecordingCloud(clock);
    TaskScaler s =
        TaskScaler.builder(cloud)
            .clock(clock)
            .manualTicks()
            .randomSeed(1)
            .maxUseCount(1)
            .policies(List.of(Policy.of(0)))
            .build();
    scalers.add(s);
    CompletableFuture<Acquisition> job = s.acquire("job", Duration.ofMinutes(1));
    assertThat(cloud.callNames()).containsExactly("init", "increase"); // planned at the event
    s.tick(); // listed as creating
    s.tick(); // running: ready, and the job's
    assertThat(job).isCompleted();
    String id = job.join().instanceId();
    cloud.onCall =
        call -> {
          if (call.equals("update")) {
            assertThat(s.release("job")).isTrue(); // its last use: the instance must go
            throw new ProviderException.Unavailable("simulated outage");
          }
        };

    s.tick();

    assertThat(cloud.calls.getLast()).startsWith("decrease [" + id + "]");
  }
}
