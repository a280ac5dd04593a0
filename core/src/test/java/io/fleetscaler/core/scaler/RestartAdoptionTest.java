package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A second scaler over the same cloud and state directory adopts what the first left. */
class RestartAdoptionTest extends AbstractRestartTest {
  RestartAdoptionTest() {
    super(2, 10, 4, 4);
  }

  /** Two ready instances, four slots: a and b acquired, c reserved. */
  TaskScaler first() {
    TaskScaler scaler = start(b -> b);
    scaler.tick();
    scaler.tick();
    scaler.tick();
    return scaler;
  }

  @Test
  void acquisitionsGoBackToTheirKeysWithTheirUseCounts() {
    TaskScaler before = first();
    Acquisition a = before.acquire("a", Duration.ZERO).join();
    Acquisition b = before.acquire("b", Duration.ZERO).join();
    assertThat(before.reserve("c")).isEqualTo(ReserveResult.RESERVED);
    before.acquire("d", Duration.ZERO).join();
    before.release("d");
    int claimsOfA = info(before, a.instanceId()).claims();
    before.tick(); // lists the refill the acquisitions asked for: it is known, so kept
    before.shutdown();

    TaskScaler after = start(o -> o.keepInstanceWithAcquisitions(true));
    after.tick();

    Acquisition a2 = after.acquire("a", Duration.ZERO).join();
    assertThat(List.of(a2.instanceId(), a2.slot())).containsExactly(a.instanceId(), a.slot());
    Acquisition b2 = after.acquire("b", Duration.ZERO).join();
    assertThat(List.of(b2.instanceId(), b2.slot())).containsExactly(b.instanceId(), b.slot());
    assertThat(after.reserve("c")).isEqualTo(ReserveResult.RESERVED);
    assertThat(info(after, a.instanceId()).claims()).isEqualTo(claimsOfA);
    assertThat(after.snapshot().slots().acquired()).isEqualTo(2);
    assertThat(after.snapshot().slots().reserved()).isEqualTo(1);
    assertThat(cloud.callNames()).doesNotContain("decrease");
    assertThat(after.release("a")).isTrue();
    assertThat(after.release("a")).isFalse();
  }

  @Test
  void savedConnectionDetailsServeWhileThePluginCannotAnswer() {
    TaskScaler before = first();
    Acquisition a = before.acquire("a", Duration.ZERO).join();
    ConnectInfo seen = a.connectInfo();
    before.shutdown();

    TaskScaler after = start(o -> o.keepInstanceWithAcquisitions(true));
    after.tick();
    cloud.pluginDown = true;

    assertThat(after.acquire("a", Duration.ZERO).join().connectInfo()).isEqualTo(seen);
  }

  @Test
  void restoredSlotsAreGivenBackAfterTheGracePeriod() {
    TaskScaler before = first();
    before.acquire("a", Duration.ZERO).join();
    before.reserve("c");
    before.shutdown();

    TaskScaler after =
        start(
            o ->
                o.keepInstanceWithAcquisitions(true)
                    .restoredAcquisitionGrace(Duration.ofMinutes(5)));
    after.tick();
    assertThat(after.snapshot().slots().acquired()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(5));
    after.tick();

    assertThat(after.snapshot().slots().acquired()).isZero();
    assertThat(after.snapshot().slots().reserved()).isZero();
    Acquisition fresh = after.acquire("a", Duration.ZERO).join();
    assertThat(fresh.key()).isEqualTo("a");
  }

  @Test
  void withoutKeepAnInstanceThatHadAcquisitionsIsDeletedOnceTheyAreReleased() {
    TaskScaler before = first();
    Acquisition a = before.acquire("a", Duration.ZERO).join();
    before.tick(); // lists the refill the acquisition asked for: it is known, so kept
    before.shutdown();

    TaskScaler after = start(o -> o);
    after.tick();
    assertThat(info(after, a.instanceId()).phase()).isEqualTo(InstancePhase.DRAINING);
    assertThat(after.acquire("a", Duration.ZERO).join().instanceId()).isEqualTo(a.instanceId());
    assertThat(cloud.callNames()).doesNotContain("decrease");

    after.release("a");
    after.tick();

    assertThat(cloud.calls).anyMatch(c -> c.startsWith("decrease [" + a.instanceId() + "]"));
    assertThat(after.snapshot().recentDecisions())
        .flatMap(Decision::deletions)
        .anyMatch(d -> d.reason() == DeletionReason.RESTORED);
  }

  @Test
  void anUnknownInstanceIsRemovedForSafetyUnlessConfiguredOtherwise() {
    first().shutdown();
    String foreign = cloud.addForeign();

    TaskScaler after = start(o -> o);
    after.tick();

    assertThat(cloud.calls).anyMatch(c -> c.startsWith("decrease [" + foreign + "]"));
    assertThat(cloud.instances.get(foreign)).isEqualTo(InstanceState.DELETING);
  }

  @Test
  void anUnknownInstanceCanBeAdoptedAsFresh() {
    first().shutdown();
    String foreign = cloud.addForeign();

    TaskScaler after = start(o -> o.removePreexistingInstances(false));
    after.tick();
    after.tick();

    assertThat(cloud.callNames()).doesNotContain("decrease");
    assertThat(info(after, foreign).phase()).isEqualTo(InstancePhase.READY);
  }

  @Test
  void aHoldingOnAnInstanceThatVanishedMeanwhileIsVoid() {
    TaskScaler before = first();
    Acquisition a = before.acquire("a", Duration.ZERO).join();
    before.shutdown();
    cloud.instances.remove(a.instanceId());

    TaskScaler after = start(o -> o);
    after.tick();

    Acquisition fresh = after.acquire("a", Duration.ZERO).join();
    assertThat(fresh.instanceId()).isNotEqualTo(a.instanceId());
  }

  @Test
  void aHoldingOnAnInstanceTheCloudIsDeletingIsVoid() throws Exception {
    TaskScaler before = first();
    Acquisition a = before.acquire("a", Duration.ZERO).join();
    before.shutdown();
    // Deleted after the last save (an HA leader killed between its decrease and the save that
    // records it): the next run's first update lists the instance as deleting, not as gone.
    cloud.deletionPolls = 3;
    cloud.decrease(List.of(a.instanceId()));

    TaskScaler after = start(o -> o);
    after.tick();
    assertThat(cloud.instances).containsEntry(a.instanceId(), InstanceState.DELETING);

    // The key is not left waiting for an adoption that never comes: a free slot serves it (the
    // manual clock never ends the wait, so without the fix this bounded get fails).
    Acquisition again = after.acquire("a", Duration.ofMinutes(1)).get(1, TimeUnit.MINUTES);
    assertThat(again.instanceId()).isNotEqualTo(a.instanceId());
  }

  @Test
  void aSmallerCapacityThanTheSavedHoldingsNeedIsRefusedNamingTheFile() {
    TaskScaler before = first();
    before.acquire("a", Duration.ZERO).join();
    before.acquire("b", Duration.ZERO).join();
    before.shutdown();

    assertThatThrownBy(() -> start(o -> o.capacityPerInstance(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("capacity_per_instance 1");
  }

  @Test
  void aKeyAskingBeforeItsInstanceIsAdoptedWaitsForItsOwnSlot() {
    TaskScaler before = first();
    Acquisition a = before.acquire("a", Duration.ZERO).join();
    before.shutdown();

    TaskScaler after = start(o -> o.keepInstanceWithAcquisitions(true));
    var early = after.acquire("a", Duration.ofMinutes(1));
    assertThat(early).isNotDone();
    after.tick();

    Acquisition a2 = early.join();
    assertThat(List.of(a2.instanceId(), a2.slot())).containsExactly(a.instanceId(), a.slot());
  }
}
