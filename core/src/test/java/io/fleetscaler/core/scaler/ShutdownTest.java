package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.state.StateStore;
import io.fleetscaler.core.state.StoredState;
import io.fleetscaler.plugin.simulated.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shutdown ordering: refuse new work, scale in, poll, and only then stop the plugin. */
class ShutdownTest {
  final ManualClock clock = new ManualClock();
  final RecordingCloud cloud = new RecordingCloud(clock);
  final List<Duration> slept = new ArrayList<>();

  TaskScaler.Builder builder() {
    return TaskScaler.builder(cloud)
        .clock(clock)
        .manualTicks()
        .randomSeed(1)
        .policies(List.of(Policy.of(2)))
        // At most the two that bringUp starts: the acquisition's refill plan can create no third.
        .maxInstances(2)
        .shutdownDeletion(Duration.ofSeconds(10), 3)
        .sleeper(
            d -> {
              slept.add(d);
              clock.advance(d);
            });
  }

  /** Two ready instances, one acquired by {@code job}. */
  static Acquisition bringUp(TaskScaler scaler) {
    scaler.tick(); // asks for two
    scaler.tick(); // listed as creating
    scaler.tick(); // running: ready
    return scaler.acquire("job", Duration.ZERO).join();
  }

  @Test
  void deletesEverythingPollsAtTheIntervalAndStopsThePluginLast() {
    TaskScaler scaler = builder().deleteInstancesOnShutdown(true).build();
    Acquisition job = bringUp(scaler);
    cloud.deletionPolls = 1; // listed as deleting at the first poll, gone at the second
    List<Object> duringShutdown = new ArrayList<>();
    cloud.onCall =
        call -> {
          if (call.startsWith("decrease")) {
            duringShutdown.add(scaler.reserve("late"));
            duringShutdown.add(
                scaler.acquire("late", Duration.ofMinutes(1)).isCompletedExceptionally());
          }
        };
    cloud.calls.clear();

    scaler.shutdown();

    assertThat(duringShutdown).containsExactly(ReserveResult.NO_CAPACITY, true);
    assertThat(cloud.calls)
        .containsExactly(
            "update @0", "decrease [i-0, i-1] @0", "update @10", "update @20", "shutdown @20");
    assertThat(slept).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10));
    assertThat(job.cancelCause()).contains("shut down");
    assertThat(cloud.instances).isEmpty();
  }

  @Test
  void givesUpAfterTheRetriesAndStillStopsThePluginAfterTheLastPoll() {
    TaskScaler scaler = builder().deleteInstancesOnShutdown(true).build();
    bringUp(scaler);
    cloud.deletionPolls = 100;
    cloud.calls.clear();

    scaler.shutdown();

    assertThat(cloud.callNames())
        .containsExactly("update", "decrease", "update", "update", "update", "shutdown");
    assertThat(cloud.calls.get(cloud.calls.size() - 2)).isEqualTo("update @30");
    assertThat(slept).hasSize(3);
  }

  @Test
  void deletesInstancesThatAppearWhileWaiting() {
    TaskScaler scaler = builder().deleteInstancesOnShutdown(true).build();
    scaler.tick(); // asks for two; the cloud lists them only at the next update
    cloud.calls.clear();

    scaler.shutdown();

    assertThat(cloud.callNames()).startsWith("update", "decrease").endsWith("shutdown");
    assertThat(cloud.instances).isEmpty();
  }

  @Test
  void withoutDeletionSavesTheStateAndLeavesTheInstances(@TempDir Path dir) throws Exception {
    TaskScaler scaler = builder().stateStorage(dir).build();
    Acquisition job = bringUp(scaler);
    cloud.calls.clear();

    scaler.shutdown();

    assertThat(cloud.callNames()).containsExactly("shutdown");
    assertThat(slept).isEmpty();
    assertThat(cloud.instances).hasSize(2);
    StoredState saved = StateStore.open(dir, "recording/test-group").load().orElseThrow();
    assertThat(saved.instances()).hasSize(2);
    assertThat(saved.instances())
        .flatMap(i -> i.holdings())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.key()).isEqualTo("job");
              assertThat(h.index()).isEqualTo(job.slot());
              assertThat(h.acquired()).isTrue();
            });
    CompletableFuture<Acquisition> after = scaler.acquire("other", Duration.ZERO);
    assertThat(after).isCompletedExceptionally();
  }
}
