package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.InstanceInfo;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.simulated.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scalers started one after another over one recording cloud and one state directory, as across a
 * restart: what the restart-adoption tests share. A subclass gives the group's shape.
 */
abstract class AbstractRestartTest {
  @TempDir Path dir;
  final ManualClock clock = new ManualClock();
  final RecordingCloud cloud = new RecordingCloud(clock);
  private final int capacity;
  private final int maxUseCount;
  private final int maxInstances;
  private final int idleCount;

  /**
   * @param capacity slots per instance
   * @param maxUseCount claims per instance, 0 for unlimited
   * @param maxInstances the maximum
   * @param idleCount the idle count of the one policy, whose idle time is an hour
   */
  AbstractRestartTest(int capacity, int maxUseCount, int maxInstances, int idleCount) {
    this.capacity = capacity;
    this.maxUseCount = maxUseCount;
    this.maxInstances = maxInstances;
    this.idleCount = idleCount;
  }

  /** A scaler over the cloud and the state directory, with the test's {@code options}. */
  TaskScaler start(UnaryOperator<TaskScaler.Builder> options) {
    return options
        .apply(
            TaskScaler.builder(cloud)
                .clock(clock)
                .manualTicks()
                .randomSeed(1)
                .capacityPerInstance(capacity)
                .maxUseCount(maxUseCount)
                .maxInstances(maxInstances)
                .policies(List.of(Policy.of(idleCount).withIdleTime(Duration.ofHours(1))))
                .stateStorage(dir))
        .build();
  }

  static InstanceInfo info(TaskScaler scaler, String id) {
    return scaler.snapshot().instances().stream()
        .filter(i -> i.id().equals(id))
        .findFirst()
        .orElseThrow();
  }
}
