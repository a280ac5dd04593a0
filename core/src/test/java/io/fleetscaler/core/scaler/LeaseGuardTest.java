package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.state.StateStore;
import io.fleetscaler.plugin.simulated.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scaler whose lease guard does not hold makes no plugin call and hands out no acquisition. */
class LeaseGuardTest {
  @TempDir Path dir;
  final ManualClock clock = new ManualClock();
  final RecordingCloud cloud = new RecordingCloud(clock);
  final AtomicBoolean holds = new AtomicBoolean(true);
  final List<String> opened = new ArrayList<>();

  TaskScaler start() {
    return TaskScaler.builder(cloud)
        .clock(clock)
        .manualTicks()
        .randomSeed(1)
        .capacityPerInstance(2)
        .maxInstances(4)
        .heartbeat(Duration.ofSeconds(1), 1)
        .policies(List.of(Policy.of(2).withIdleTime(Duration.ofSeconds(10))))
        .leaseGuard(holds::get)
        .stateStore(
            id -> {
              opened.add(id);
              try {
                return StateStore.open(dir, id);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .build();
  }

  /** Ticks until two instances are ready. */
  static void ready(TaskScaler scaler) {
    for (int i = 0; i < 3; i++) {
      scaler.tick();
    }
  }

  @Test
  void noPluginCallWhileTheGuardDoesNotHoldAndScalingResumesWhenItDoes() {
    TaskScaler scaler = start();
    assertThat(opened).containsExactly(RecordingCloud.GROUP_ID);
    holds.set(false);
    int before = cloud.callNames().size();

    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMinutes(1));
      scaler.tick();
    }
    assertThat(cloud.callNames()).hasSize(before);

    holds.set(true);
    ready(scaler);
    assertThat(cloud.callNames()).contains("update", "increase");
    assertThat(scaler.snapshot().slots().idle()).isGreaterThanOrEqualTo(2);
    scaler.shutdown();
  }

  @Test
  void anAcquisitionIsNotHandedOutWhenTheGuardLapsesAndItsSlotIsGivenBack() {
    TaskScaler scaler = start();
    ready(scaler);
    holds.set(false);

    assertThatThrownBy(() -> scaler.acquire("a", Duration.ZERO).join())
        .hasCauseInstanceOf(NotServedException.class);
    assertThat(scaler.snapshot().slots().acquired()).isZero();

    holds.set(true);
    assertThat(scaler.acquire("a", Duration.ZERO).join().key()).isEqualTo("a");
    scaler.shutdown();
  }

  @Test
  void aHeartbeatSkippedByTheGuardDoesNotMarkAnInstanceUnhealthy() {
    TaskScaler scaler = start();
    ready(scaler);
    holds.set(false);
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(2));
      scaler.tick();
    }
    holds.set(true);
    scaler.tick();

    assertThat(scaler.snapshot().slots().unhealthy()).isZero();
    assertThat(cloud.callNames()).doesNotContain("decrease");
    scaler.shutdown();
  }

  @Test
  void aDeposedScalerStopsWithoutTellingThePluginAndTheNextOneAdoptsItsState() {
    TaskScaler first = start();
    ready(first);
    Acquisition a = first.acquire("a", Duration.ZERO).join();
    holds.set(false);
    int before = cloud.callNames().size();
    first.shutdown();
    assertThat(cloud.callNames()).hasSize(before);

    holds.set(true);
    TaskScaler second = start();
    second.tick();
    Acquisition again = second.acquire("a", Duration.ZERO).join();
    assertThat(List.of(again.instanceId(), again.slot())).containsExactly(a.instanceId(), a.slot());
    assertThat(cloud.callNames()).doesNotContain("decrease");
    second.shutdown();
  }
}
