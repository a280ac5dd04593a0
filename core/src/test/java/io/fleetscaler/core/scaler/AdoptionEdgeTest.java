package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.state.StateStore;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.simulated.ManualClock;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Adoption where it used to break: a kept foreign instance while the fleet is at max_instances, and
 * an instance asked for just before a restart that the cloud lists only after it.
 */
class AdoptionEdgeTest extends AbstractRestartTest {
  AdoptionEdgeTest() {
    super(1, 0, 2, 2);
  }

  static InstancePhase phase(TaskScaler scaler, String id) {
    return info(scaler, id).phase();
  }

  long calls(String name) {
    return cloud.callNames().stream().filter(name::equals).count();
  }

  @Test
  void aKeptForeignInstanceAtMaxInstancesWaitsForRoomAndTheLoopGoesOn() {
    TaskScaler scaler = start(o -> o.removePreexistingInstances(false));
    scaler.tick(); // asks for 2
    scaler.tick(); // lists them creating
    scaler.tick(); // running: ready
    assertThat(scaler.snapshot().slots().idle()).isEqualTo(2);
    String foreign = cloud.addForeign();

    // The foreign one runs: no room in the allocator, so it waits, counted toward the maximum,
    // and the plan deletes an idle one of ours for over_max at once.
    scaler.tick();
    assertThat(phase(scaler, foreign)).isEqualTo(InstancePhase.RUNNING);
    assertThat(scaler.snapshot().slots().idle()).isEqualTo(1);
    assertThat(scaler.snapshot().recentDecisions())
        .flatMap(Decision::deletions)
        .anyMatch(d -> d.reason() == DeletionReason.OVER_MAX);

    scaler.tick(); // the over_max deletion is gone: the foreign instance gets its slot
    scaler.tick();

    assertThat(phase(scaler, foreign)).isEqualTo(InstancePhase.READY);
    assertThat(scaler.snapshot().instances()).hasSize(2);
    assertThat(scaler.snapshot().slots().idle()).isEqualTo(2);
    assertThat(calls("increase")).isEqualTo(1);
    assertThat(calls("decrease")).isEqualTo(1);
    assertThat(cloud.calls).noneMatch(c -> c.startsWith("decrease") && c.contains(foreign));
  }

  @Test
  void anInstanceAskedForJustBeforeARestartIsAdoptedNotDeleted() throws IOException {
    TaskScaler before = start(o -> o);
    before.tick(); // update lists nothing; the plan asks for 2, granted
    assertThat(cloud.calls).contains("increase 2 @0");
    before.shutdown();
    assertThat(StateStore.open(dir, RecordingCloud.GROUP_ID).load().orElseThrow())
        .extracting(s -> s.expectedCreations().size())
        .isEqualTo(2);

    TaskScaler after = start(o -> o);
    after.tick(); // lists i-0 and i-1 for the first time: ours, from the saved expectation
    after.tick();

    assertThat(phase(after, "i-0")).isEqualTo(InstancePhase.READY);
    assertThat(phase(after, "i-1")).isEqualTo(InstancePhase.READY);
    assertThat(calls("decrease")).isZero();
    assertThat(calls("increase")).isEqualTo(1);
    after.shutdown();
    assertThat(StateStore.open(dir, RecordingCloud.GROUP_ID).load().orElseThrow())
        .extracting(s -> s.expectedCreations().size())
        .isEqualTo(0);
  }

  @Test
  void aSavedExpectationTheCloudNeverFulfilsIsForgottenAfterTheCreationTimeout()
      throws IOException {
    TaskScaler before = start(o -> o);
    before.tick();
    before.shutdown();
    synchronized (cloud) {
      cloud.instances.clear(); // the cloud withdrew the request meanwhile
    }

    TaskScaler after = start(o -> o.creationTimeout(Duration.ofMinutes(10)));
    after.tick();
    assertThat(after.snapshot().instancesByState()).containsEntry("ambiguous", 2);

    clock.advance(Duration.ofMinutes(10));
    after.tick();

    assertThat(after.snapshot().instancesByState()).containsEntry("ambiguous", 0);
    assertThat(calls("increase")).isEqualTo(2); // the demand is asked for again
    after.shutdown();
    assertThat(
            StateStore.open(dir, RecordingCloud.GROUP_ID).load().orElseThrow().expectedCreations())
        .hasSize(2)
        .containsOnly(clock.instant()) // the new request's, none of the forgotten ones
        .doesNotContain(ManualClock.DEFAULT_START);
  }

  @Test
  void anExpectationSavedLongerAgoThanTheCreationTimeoutIsNotRestored() {
    TaskScaler before = start(o -> o);
    before.tick();
    before.shutdown();
    clock.advance(Duration.ofMinutes(10));

    TaskScaler after = start(o -> o.creationTimeout(Duration.ofMinutes(10)));
    after.tick(); // nothing of ours is open: what the cloud lists first is preexisting

    assertThat(cloud.calls).anyMatch(c -> c.startsWith("decrease [i-0, i-1]"));
    assertThat(cloud.instances.get("i-0")).isEqualTo(InstanceState.DELETING);
  }
}
