package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.plugin.simulated.SimulatedOptions;
import io.fleetscaler.plugin.simulated.SimulatedOptions.Latency;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon upgraded over a state file written before pool members had their own {@code standby}
 * field (they were marked {@code deletion=standby} then): the members are adopted as suspended,
 * nothing is deleted for safety or created to refill, they resume on demand, and the next save
 * writes the current format. Simulated cloud: boot 30 s, suspend 5 s, resume 10 s.
 */
class LegacyStandbyAdoptionTest {
  static final SimulatedOptions CLOUD =
      SimulatedOptions.defaults()
          .withSuspendResume(true)
          .withCreateLatency(Latency.fixed(Duration.ofSeconds(30)))
          .withDeleteLatency(Latency.fixed(Duration.ofSeconds(5)))
          .withSuspendLatency(Latency.fixed(Duration.ofSeconds(5)))
          .withResumeLatency(Latency.fixed(Duration.ofSeconds(10)));

  @TempDir Path dir;
  final ManualClock clock = new ManualClock();
  final SimulatedInstanceGroup simulated = new SimulatedInstanceGroup(clock);
  final PoolCloud cloud = new PoolCloud(simulated);

  TaskScaler start() {
    return TaskScaler.builder(cloud)
        .plugin(Settings.defaults(), CLOUD.toJson())
        .clock(clock)
        .manualTicks()
        .randomSeed(3)
        .capacityPerInstance(1)
        .maxUseCount(1)
        .maxInstances(10)
        .stateStorage(dir)
        .policies(List.of(Policy.of(0).withStandby(2, Duration.ZERO)))
        .build();
  }

  void advance(TaskScaler scaler, Duration d) {
    clock.advance(d);
    scaler.tick();
  }

  Path stateFile() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> state = files.filter(p -> p.toString().endsWith(".state")).toList();
      assertThat(state).as("one group, one state file").hasSize(1);
      return state.get(0);
    }
  }

  @Test
  void membersSavedWithTheOldDeletionMarkerAreAdoptedAsSuspended() throws Exception {
    TaskScaler before = start();
    before.tick();
    advance(before, Duration.ofSeconds(30));
    advance(before, Duration.ofSeconds(5));
    assertThat(StandbyPoolTest.inPhase(before, InstancePhase.SUSPENDED)).hasSize(2);
    before.shutdown();

    // Rewrite the saved members as the format before the standby field had them.
    Path file = stateFile();
    String current = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(current)
        .contains("instance sim-000001 claims=0 uses=0 deletion=- standby")
        .contains("instance sim-000002 claims=0 uses=0 deletion=- standby");
    Files.writeString(
        file, current.replace(" deletion=- standby", " deletion=standby"), StandardCharsets.UTF_8);

    TaskScaler after = start();
    after.tick();
    assertThat(StandbyPoolTest.inPhase(after, InstancePhase.SUSPENDED))
        .as("adopted as suspended, not as instances being deleted")
        .containsExactly("sim-000001", "sim-000002");
    assertThat(cloud.decreasedIds).as("nothing deleted for safety or by the old marker").isEmpty();
    assertThat(cloud.increases).as("the pool is full: nothing created").isEqualTo(2);
    assertThat(after.snapshot().standby().count()).isEqualTo(2);

    // They serve like any member: demand resumes the oldest.
    var a = after.acquire("a", Duration.ofMinutes(5));
    assertThat(cloud.resumedIds).containsExactly("sim-000001");
    advance(after, Duration.ofSeconds(10));
    assertThat(a.get(1, TimeUnit.MINUTES).instanceId()).isEqualTo("sim-000001");
    after.shutdown();

    // The remaining member is saved in the current format.
    String rewritten = Files.readString(stateFile(), StandardCharsets.UTF_8);
    assertThat(rewritten)
        .contains("instance sim-000002 claims=0 uses=0 deletion=- standby")
        .doesNotContain("deletion=standby");
  }
}
