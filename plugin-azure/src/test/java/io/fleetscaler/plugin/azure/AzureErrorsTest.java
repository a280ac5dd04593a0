package io.fleetscaler.plugin.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.Settings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each class of Azure failure, injected into {@link FakeArm} and seen through the real SDK, ends in
 * the right sealed error (or is retried away), with the requests it cost counted.
 */
class AzureErrorsTest {
  private static final String SET = "runners";

  @SuppressWarnings("NullAway.Init")
  private FakeArm arm;

  @SuppressWarnings("NullAway.Init")
  private AzureInstanceGroup group;

  @BeforeEach
  void start() throws Exception {
    arm = new FakeArm();
    arm.createScaleSet(SET, false);
    group = open(AzureConformanceBase.FAST);
  }

  @AfterEach
  void stop() {
    group.shutdown();
    arm.close();
  }

  private AzureInstanceGroup open(AzureTuning tuning) {
    AzureInstanceGroup g = new AzureInstanceGroup(Clock.systemUTC(), tuning);
    g.init(Settings.defaults(), arm.config(SET));
    return g;
  }

  @Test
  void aQuotaRefusalIsCapacityAndChangesNothing() {
    arm.inject("PATCH", "/virtualmachinescalesets/runners", 1, FakeArm.Fault.Kind.QUOTA);
    assertThatThrownBy(() -> group.increase(2))
        .isInstanceOf(ProviderException.Capacity.class)
        .hasMessageContaining("OperationNotAllowed")
        .hasMessageContaining("quota");
    assertThat(arm.capacity(SET)).isZero();
    assertThat(arm.count("fault QUOTA")).as("not retried").isEqualTo(1);
  }

  @Test
  void anUnavailableSkuIsCapacity() {
    arm.inject(
        "PATCH", "/virtualmachinescalesets/runners", 1, FakeArm.Fault.Kind.SKU_NOT_AVAILABLE);
    assertThatThrownBy(() -> group.increase(1))
        .isInstanceOf(ProviderException.Capacity.class)
        .hasMessageContaining("SkuNotAvailable");
  }

  @Test
  void aVmWhoseAllocationFailedIsReportedAsTimeoutAndUnhealthy() {
    arm.failNextVms(1);
    assertThat(group.increase(1)).isOne();
    group.update();
    List<InstanceStatus> listed = group.update();
    assertThat(listed)
        .singleElement()
        .extracting(InstanceStatus::state)
        .isEqualTo(InstanceState.TIMEOUT);
    String id = listed.get(0).id();
    assertThatThrownBy(() -> group.heartbeat(id))
        .isInstanceOf(ProviderException.Unhealthy.class)
        .hasMessageContaining("Failed");
  }

  @Test
  void a429WithAShortRetryAfterIsWaitedOutOnce() {
    arm.inject(
        "GET",
        "/virtualmachinescalesets/runners/virtualmachines",
        1,
        FakeArm.Fault.Kind.THROTTLED_1S);
    assertThat(group.update()).isEmpty();
    assertThat(arm.count("fault THROTTLED_1S")).isEqualTo(1);
    assertThat(arm.count("GET vmss vms")).as("the retry after Retry-After").isEqualTo(1);
  }

  @Test
  void a429WithALongRetryAfterIsRetryableAtOnceWithoutRetrying() {
    arm.inject(
        "GET",
        "/virtualmachinescalesets/runners/virtualmachines",
        1,
        FakeArm.Fault.Kind.THROTTLED_LONG);
    assertThatThrownBy(() -> group.update())
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("throttled")
        .hasMessageContaining("Retry-After 3600");
    assertThat(arm.count("fault THROTTLED_LONG")).isEqualTo(1);
    assertThat(arm.count("GET vmss vms")).isZero();
  }

  @Test
  void serverErrorsAreRetriedThenUnavailable() {
    arm.inject(
        "GET",
        "/virtualmachinescalesets/runners/virtualmachines",
        1,
        FakeArm.Fault.Kind.SERVER_ERROR);
    assertThat(group.update()).isEmpty();
    arm.inject(
        "GET",
        "/virtualmachinescalesets/runners/virtualmachines",
        10,
        FakeArm.Fault.Kind.SERVER_ERROR);
    assertThatThrownBy(() -> group.update())
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("500");
    assertThat(arm.count("fault SERVER_ERROR")).as("1, then 1 + 2 retries").isEqualTo(4);
  }

  @Test
  void droppedAndSlowAnswersAreRetried() {
    group.shutdown();
    group = open(AzureConformanceBase.FAST.withResponseTimeout(Duration.ofMillis(500)));
    arm.inject(
        "GET", "/virtualmachinescalesets/runners/virtualmachines", 1, FakeArm.Fault.Kind.DROP);
    assertThat(group.update()).isEmpty();
    assertThat(arm.count("dropped")).isEqualTo(1);
    arm.inject(
        "GET", "/virtualmachinescalesets/runners/virtualmachines", 1, FakeArm.Fault.Kind.SLOW);
    assertThat(group.update()).isEmpty();
    assertThat(arm.count("slow")).isEqualTo(1);
    // The JDK client itself retries a GET on a dropped connection a few times per attempt: drop
    // every answer, and the plugin's attempts still end.
    arm.inject(
        "GET", "/virtualmachinescalesets/runners/virtualmachines", 1000, FakeArm.Fault.Kind.DROP);
    assertThatThrownBy(() -> group.update()).isInstanceOf(ProviderException.Unavailable.class);
  }

  @Test
  void aMissingRoleIsInvalidConfigNamingTheActionAndTheRole() {
    arm.inject("PATCH", "/virtualmachinescalesets/runners", 1, FakeArm.Fault.Kind.NOT_AUTHORIZED);
    assertThatThrownBy(() -> group.increase(1))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("AuthorizationFailed")
        .hasMessageContaining("Microsoft.Compute/virtualMachineScaleSets/write")
        .hasMessageContaining("Virtual Machine Contributor");
  }

  @Test
  void aRejectedTokenIsInvalidConfig() {
    arm.inject(
        "GET",
        "/virtualmachinescalesets/runners/virtualmachines",
        1,
        FakeArm.Fault.Kind.UNAUTHENTICATED);
    assertThatThrownBy(() -> group.update())
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("401");
  }

  @Test
  void aDeletionWhoseOperationFailsIsUnavailable() {
    assertThat(group.increase(1)).isOne();
    group.update();
    String id = group.update().get(0).id();
    arm.inject(
        "POST", "/virtualmachinescalesets/runners/delete", 1, FakeArm.Fault.Kind.OPERATION_FAILS);
    assertThatThrownBy(() -> group.decrease(List.of(id)))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("InternalExecutionError");
  }

  @Test
  void anOperationStillRunningAtTheBoundIsLeftToAzure() {
    group.shutdown();
    group =
        open(AzureConformanceBase.FAST.withPolling(Duration.ofMillis(5), Duration.ofMillis(100)));
    arm.operationPolls = 1_000_000;
    assertThat(group.increase(2)).isEqualTo(2);
    assertThat(arm.capacity(SET)).isEqualTo(2);
    assertThat(arm.count("GET operation")).isPositive();
  }

  @Test
  void fewRemainingWritesHoldScaleOutBackAsRetryable() {
    arm.remainingWrites = 3;
    group.update();
    assertThatThrownBy(() -> group.increase(1))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("3 writes left");
    assertThat(arm.count("PATCH vmss")).isZero();
    assertThat(group.writeThrottles()).isEqualTo(1);
    assertThat(group.rateLimitsRemaining()).containsEntry("subscription-writes", 3);
    arm.remainingWrites = 1199;
    group.update();
    assertThat(group.increase(1)).isOne();
  }

  @Test
  void suspendDeallocatesAndResumeStarts() {
    assertThat(group.increase(2)).isEqualTo(2);
    group.update();
    List<String> ids = group.update().stream().map(InstanceStatus::id).toList();
    assertThat(group.suspend(List.of(ids.get(0)))).containsExactly(ids.get(0));
    assertThat(arm.states(SET)).containsEntry(ids.get(0), "Succeeded/deallocated");
    assertThat(states())
        .containsEntry(ids.get(0), InstanceState.SUSPENDED)
        .containsEntry(ids.get(1), InstanceState.RUNNING);
    assertThat(group.resume(List.of(ids.get(0)))).containsExactly(ids.get(0));
    assertThat(states()).containsEntry(ids.get(0), InstanceState.RUNNING);
    assertThat(arm.count("POST deallocate")).isEqualTo(1);
    assertThat(arm.count("POST start")).isEqualTo(1);
  }

  private Map<String, InstanceState> states() {
    return group.update().stream()
        .collect(Collectors.toMap(InstanceStatus::id, InstanceStatus::state));
  }
}
