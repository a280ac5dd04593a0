package io.fleetscaler.plugin.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.Capability;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.SimulatedOptions.Latency;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The simulated provider's own behaviour, beyond the conformance kit, under a manual clock. */
class SimulatedInstanceGroupTest {

  private static final SimulatedOptions TEN_AND_FIVE =
      SimulatedOptions.defaults()
          .withMaxSize(5)
          .withCreateLatency(Latency.fixed(Duration.ofSeconds(10)))
          .withDeleteLatency(Latency.fixed(Duration.ofSeconds(5)));

  private final ManualClock clock = new ManualClock();

  private SimulatedInstanceGroup started(SimulatedOptions options) {
    SimulatedInstanceGroup group = new SimulatedInstanceGroup(clock);
    group.init(Settings.defaults(), options.toJson());
    return group;
  }

  private static Map<String, InstanceState> states(List<InstanceStatus> list) {
    return list.stream().collect(Collectors.toMap(InstanceStatus::id, InstanceStatus::state));
  }

  @Test
  void initReportsTheConfiguredGroup() {
    ProviderInfo info =
        new SimulatedInstanceGroup(clock)
            .init(
                Settings.defaults(), "{\"name\":\"blue\",\"max_size\":7,\"suspend_resume\":true}");
    assertThat(info.id()).isEqualTo("simulated/blue");
    assertThat(info.maxSize()).isEqualTo(7);
    assertThat(info.version()).isEqualTo(SimulatedInstanceGroup.VERSION);
    assertThat(info.capabilities()).containsExactly(Capability.SUSPEND_RESUME);
  }

  @Test
  void anEmptyConfigGivesTheDefaults() {
    ProviderInfo info = new SimulatedInstanceGroup(clock).init(Settings.defaults(), "{}");
    assertThat(info.id()).isEqualTo("simulated/default");
    assertThat(info.maxSize()).isEqualTo(SimulatedOptions.defaults().maxSize());
    assertThat(info.capabilities()).isEmpty();
  }

  @Test
  void instancesAreCreatingForTheCreateLatencyThenRunning() {
    SimulatedInstanceGroup group = started(TEN_AND_FIVE);
    assertThat(group.increase(2)).isEqualTo(2);
    assertThat(group.update())
        .containsExactly(
            new InstanceStatus("sim-000001", InstanceState.CREATING),
            new InstanceStatus("sim-000002", InstanceState.CREATING));
    clock.advance(Duration.ofSeconds(9));
    assertThat(states(group.update()))
        .containsOnly(
            Map.entry("sim-000001", InstanceState.CREATING),
            Map.entry("sim-000002", InstanceState.CREATING));
    clock.advance(Duration.ofSeconds(1));
    assertThat(states(group.update()))
        .containsOnly(
            Map.entry("sim-000001", InstanceState.RUNNING),
            Map.entry("sim-000002", InstanceState.RUNNING));
  }

  @Test
  void deletionTakesTheDeleteLatencyThenReportsDeletedOnceThenNothing() {
    SimulatedInstanceGroup group = started(TEN_AND_FIVE);
    group.increase(2);
    clock.advance(Duration.ofSeconds(10));
    assertThat(group.decrease(List.of("sim-000001"))).containsExactly("sim-000001");
    assertThat(states(group.update()))
        .containsOnly(
            Map.entry("sim-000001", InstanceState.DELETING),
            Map.entry("sim-000002", InstanceState.RUNNING));
    clock.advance(Duration.ofSeconds(4));
    assertThat(states(group.update())).containsEntry("sim-000001", InstanceState.DELETING);
    clock.advance(Duration.ofSeconds(1));
    assertThat(states(group.update()))
        .containsOnly(
            Map.entry("sim-000001", InstanceState.DELETED),
            Map.entry("sim-000002", InstanceState.RUNNING));
    assertThat(group.update())
        .containsExactly(new InstanceStatus("sim-000002", InstanceState.RUNNING));
  }

  @Test
  void decreaseAcceptsUnknownDeletingAndDuplicateIdsWithoutTouchingOthers() {
    SimulatedInstanceGroup group = started(TEN_AND_FIVE);
    group.increase(2);
    assertThat(group.decrease(List.of("sim-000001", "sim-000001", "never-existed")))
        .containsExactly("sim-000001", "never-existed");
    assertThat(group.decrease(List.of("sim-000001"))).containsExactly("sim-000001");
    assertThat(states(group.snapshot()))
        .containsOnly(
            Map.entry("sim-000001", InstanceState.DELETING),
            Map.entry("sim-000002", InstanceState.CREATING));
  }

  @Test
  void increaseStopsAtMaxSizeWithoutErrorAndDeletingInstancesFreeRoom() {
    SimulatedInstanceGroup group = started(TEN_AND_FIVE.withMaxSize(3));
    assertThat(group.increase(10)).isEqualTo(3);
    assertThat(group.increase(1)).isZero();
    group.decrease(List.of("sim-000002"));
    assertThat(group.increase(5)).isEqualTo(1);
    assertThat(group.snapshot())
        .extracting(InstanceStatus::id)
        .containsExactly("sim-000001", "sim-000002", "sim-000003", "sim-000004");
  }

  @Test
  void aCapacityLimitGrantsWhatFitsThenFailsWithCapacity() {
    SimulatedInstanceGroup group = started(TEN_AND_FIVE.withCapacityLimit(2));
    assertThat(group.increase(4)).isEqualTo(2);
    assertThatThrownBy(() -> group.increase(1))
        .isInstanceOf(ProviderException.Capacity.class)
        .hasMessageContaining("capacity limit 2");
    group.setCapacityLimit(SimulatedOptions.UNLIMITED);
    assertThat(group.increase(1)).isEqualTo(1);
    assertThat(group.snapshot()).hasSize(3);
  }

  @Test
  void injectedCapacityFailuresRequestNothingThenStop() {
    SimulatedInstanceGroup group = started(TEN_AND_FIVE);
    group.failNextIncreases(2);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> group.increase(1)).isInstanceOf(ProviderException.Capacity.class);
    }
    assertThat(group.snapshot()).isEmpty();
    assertThat(group.increase(1)).isEqualTo(1);
    assertThat(group.snapshot()).extracting(InstanceStatus::id).containsExactly("sim-000001");
  }

  @Test
  void aLostInstanceIsUnhealthyUntilAnUpdateOmitsItThenNotFound() {
    SimulatedInstanceGroup group = started(TEN_AND_FIVE);
    group.increase(2);
    clock.advance(Duration.ofSeconds(10));
    assertThat(group.loseInstance("sim-000001")).isTrue();
    assertThat(group.snapshot()).extracting(InstanceStatus::id).containsExactly("sim-000002");
    assertThatThrownBy(() -> group.heartbeat("sim-000001"))
        .isInstanceOf(ProviderException.Unhealthy.class);
    assertThatThrownBy(() -> group.connectInfo("sim-000001"))
        .isInstanceOf(ProviderException.NotFound.class);
    assertThat(group.update())
        .containsExactly(new InstanceStatus("sim-000002", InstanceState.RUNNING));
    assertThatThrownBy(() -> group.heartbeat("sim-000001"))
        .isInstanceOf(ProviderException.NotFound.class);
    assertThat(group.loseInstance("sim-000001")).isFalse();
    assertThat(group.decrease(List.of("sim-000001"))).containsExactly("sim-000001");
  }

  @Test
  void aBrokenInstanceStaysListedButFailsItsHeartbeat() {
    SimulatedInstanceGroup group = started(TEN_AND_FIVE);
    group.increase(1);
    clock.advance(Duration.ofSeconds(10));
    assertThat(group.breakInstance("sim-000001")).isTrue();
    assertThat(group.update())
        .containsExactly(new InstanceStatus("sim-000001", InstanceState.RUNNING));
    assertThatThrownBy(() -> group.heartbeat("sim-000001"))
        .isInstanceOf(ProviderException.Unhealthy.class);
    assertThat(group.breakInstance("nope")).isFalse();
  }

  @Test
  void aFailedBootEndsInTimeoutUntilDeleted() {
    SimulatedInstanceGroup group = started(TEN_AND_FIVE.withBootFailureProbability(1));
    group.increase(1);
    clock.advance(Duration.ofSeconds(10));
    assertThat(group.update())
        .containsExactly(new InstanceStatus("sim-000001", InstanceState.TIMEOUT));
    assertThatThrownBy(() -> group.heartbeat("sim-000001"))
        .isInstanceOf(ProviderException.Unhealthy.class);
    clock.advance(Duration.ofHours(1));
    assertThat(group.update())
        .containsExactly(new InstanceStatus("sim-000001", InstanceState.TIMEOUT));
    group.decrease(List.of("sim-000001"));
    clock.advance(Duration.ofSeconds(5));
    assertThat(group.update())
        .containsExactly(new InstanceStatus("sim-000001", InstanceState.DELETED));
    assertThat(group.update()).isEmpty();
  }

  @Test
  void aBootFailureProbabilityFailsSomeButNotAllInstances() {
    SimulatedInstanceGroup group =
        started(TEN_AND_FIVE.withMaxSize(100).withBootFailureProbability(0.5).withSeed(7));
    group.increase(100);
    clock.advance(Duration.ofSeconds(10));
    Map<InstanceState, Long> counts =
        group.update().stream()
            .collect(Collectors.groupingBy(InstanceStatus::state, Collectors.counting()));
    assertThat(counts.keySet())
        .containsExactlyInAnyOrder(InstanceState.RUNNING, InstanceState.TIMEOUT);
    assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(100);
  }

  @Test
  void aLossRateMakesRunningInstancesVanishOverTime() {
    SimulatedInstanceGroup group =
        started(TEN_AND_FIVE.withMaxSize(20).withLossRatePerHour(1).withSeed(3));
    group.increase(20);
    clock.advance(Duration.ofSeconds(10));
    assertThat(group.update()).hasSize(20);
    // With one loss per instance-hour, 20 instances all surviving 100 hours has probability
    // e^-2000: for this seed it is simply false, and the seed makes it the same every run.
    clock.advance(Duration.ofHours(100));
    assertThat(group.update()).isEmpty();
  }

  @Test
  void jitterDrawsEachLatencyWithinItsBounds() {
    SimulatedInstanceGroup group =
        started(
            TEN_AND_FIVE
                .withMaxSize(50)
                .withCreateLatency(new Latency(Duration.ofSeconds(10), Duration.ofSeconds(20))));
    group.increase(50);
    clock.advance(Duration.ofMillis(9_999));
    assertThat(states(group.update()).values()).containsOnly(InstanceState.CREATING);
    clock.advance(Duration.ofSeconds(10));
    assertThat(states(group.update()).values())
        .contains(InstanceState.CREATING, InstanceState.RUNNING);
    clock.advance(Duration.ofMillis(10_001));
    assertThat(states(group.update()).values()).containsOnly(InstanceState.RUNNING);
  }

  @Test
  void connectInfoCarriesTheOperatorsConnectorAndADeterministicAddress() {
    ConnectorConfig operator =
        new ConnectorConfig(
            "windows",
            "arm64",
            Protocol.WINRM,
            0,
            "admin",
            "secret",
            null,
            true,
            Duration.ZERO,
            Duration.ofSeconds(3));
    SimulatedInstanceGroup group = new SimulatedInstanceGroup(clock);
    group.init(new Settings(operator), TEN_AND_FIVE.toJson());
    group.increase(1);
    ConnectInfo info = group.connectInfo("sim-000001");
    assertThat(info.connector()).isEqualTo(operator);
    assertThat(info.internalAddr()).isEqualTo("10.0.0.1");
    assertThat(info.externalAddr()).isEmpty();
    assertThat(info.expires()).isNull();

    SimulatedInstanceGroup defaults = started(TEN_AND_FIVE);
    defaults.increase(1);
    ConnectorConfig filled = defaults.connectInfo("sim-000001").connector();
    assertThat(filled.os()).isEqualTo("linux");
    assertThat(filled.arch()).isEqualTo("amd64");
    assertThat(filled.username()).isEqualTo("fleetscaler");
  }

  @Test
  void suspendAndResumeTakeTheirOwnLatencies() {
    SimulatedInstanceGroup group =
        started(
            TEN_AND_FIVE
                .withSuspendResume(true)
                .withSuspendLatency(Latency.fixed(Duration.ofSeconds(3)))
                .withResumeLatency(Latency.fixed(Duration.ofSeconds(7))));
    group.increase(2);
    assertThat(group.suspend(List.of("sim-000001"))).as("not running yet").isEmpty();
    clock.advance(Duration.ofSeconds(10));
    assertThat(group.suspend(List.of("sim-000001", "unknown"))).containsExactly("sim-000001");
    assertThat(states(group.update())).containsEntry("sim-000001", InstanceState.SUSPENDING);
    assertThat(group.nextTransitionAt()).isEqualTo(clock.instant().plusSeconds(3));
    clock.advance(Duration.ofSeconds(3));
    assertThat(states(group.update())).containsEntry("sim-000001", InstanceState.SUSPENDED);
    assertThat(group.resume(List.of("sim-000001", "sim-000002")))
        .containsExactly("sim-000001", "sim-000002");
    assertThat(states(group.update())).containsEntry("sim-000001", InstanceState.RESUMING);
    clock.advance(Duration.ofSeconds(6));
    assertThat(states(group.update())).containsEntry("sim-000001", InstanceState.RESUMING);
    clock.advance(Duration.ofSeconds(1));
    assertThat(states(group.update()))
        .containsOnly(
            Map.entry("sim-000001", InstanceState.RUNNING),
            Map.entry("sim-000002", InstanceState.RUNNING));
  }

  @Test
  void suspendIsUnsupportedUnlessConfigured() {
    SimulatedInstanceGroup group = started(TEN_AND_FIVE);
    assertThatThrownBy(() -> group.suspend(List.of()))
        .isInstanceOf(ProviderException.Unsupported.class)
        .hasMessageContaining("suspend_resume");
    assertThatThrownBy(() -> group.resume(List.of()))
        .isInstanceOf(ProviderException.Unsupported.class);
  }

  @Test
  void callsBeforeInitAndAfterShutdownAreRejectedButSnapshotStillWorks() {
    SimulatedInstanceGroup group = new SimulatedInstanceGroup(clock);
    assertThatThrownBy(group::update)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("init");
    group.init(Settings.defaults(), TEN_AND_FIVE.toJson());
    assertThatThrownBy(() -> group.init(Settings.defaults(), "{}"))
        .isInstanceOf(IllegalStateException.class);
    group.increase(1);
    group.shutdown();
    assertThatCode(group::shutdown).doesNotThrowAnyException();
    assertThatThrownBy(() -> group.increase(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("shut down");
    assertThat(group.snapshot()).extracting(InstanceStatus::id).containsExactly("sim-000001");
  }

  @Test
  void preconditionsNameTheOffendingValue() {
    SimulatedInstanceGroup group = started(TEN_AND_FIVE);
    assertThatThrownBy(() -> group.increase(0)).hasMessageContaining("0");
    assertThatThrownBy(() -> group.failNextIncreases(-1)).hasMessageContaining("-1");
    assertThatThrownBy(() -> group.setCapacityLimit(-2)).hasMessageContaining("-2");
    assertThatThrownBy(() -> new ManualClock().advance(Duration.ofSeconds(-1)))
        .hasMessageContaining("PT-1S");
  }
}
