package io.fleetscaler.plugin.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.Settings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every error class Compute produces, injected into the fake and seen through the real client, maps
 * to its sealed category with a message an operator can act on.
 */
class GcpErrorsTest {
  private final GcpFixture gcp =
      new GcpFixture(
          new ManualClock(Instant.parse("2026-12-01T12:00:00Z")), ComputeModel.Latencies.none());
  private final ComputeModel.Group group = gcp.zonal(GcpFixture.GROUP);
  private final GcpInstanceGroup plugin = gcp.newGroup();

  @AfterEach
  void close() {
    plugin.shutdown();
    gcp.close();
  }

  private void init() {
    plugin.init(Settings.defaults(), gcp.zonalConfig(GcpFixture.GROUP));
  }

  @Test
  void quotaExceededOnResizeIsCapacity() {
    init();
    gcp.compute.inject(
        "resize",
        new FakeCompute.HttpError(
            403,
            "quotaExceeded",
            "Quota 'CPUS' exceeded.  Limit: 24.0 in region europe-west1.",
            null));
    assertThatThrownBy(() -> plugin.increase(2))
        .isInstanceOf(ProviderException.Capacity.class)
        .hasMessageContaining("resize")
        .hasMessageContaining("Quota 'CPUS' exceeded");
    assertThat(group.targetSize).isZero();
  }

  @Test
  void resourcePoolExhaustedInTheOperationIsCapacity() {
    init();
    gcp.compute.inject(
        "resize",
        new FakeCompute.OperationError(
            "ZONE_RESOURCE_POOL_EXHAUSTED",
            "The zone 'projects/fleet-project/zones/europe-west1-c' does not have enough resources",
            503));
    assertThatThrownBy(() -> plugin.increase(1))
        .isInstanceOf(ProviderException.Capacity.class)
        .hasMessageContaining("ZONE_RESOURCE_POOL_EXHAUSTED");
  }

  @Test
  void creationErrorsInLastAttemptMakeTheInstanceTimeOut() {
    init();
    group.creationError = "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS";
    assertThat(plugin.increase(1)).isOne();
    List<InstanceStatus> listed = plugin.update();
    assertThat(listed)
        .singleElement()
        .extracting(InstanceStatus::state)
        .isEqualTo(InstanceState.TIMEOUT);
    // The scaler deletes a timed-out instance: that works although the VM never existed.
    assertThat(plugin.decrease(List.of(listed.get(0).id()))).containsExactly(listed.get(0).id());
    assertThat(plugin.update()).isEmpty();
    assertThat(group.targetSize).isZero();
  }

  @Test
  void rateLimitIsRetryableWithTheServersHint() {
    init();
    gcp.compute.inject(
        "listManagedInstances",
        new FakeCompute.HttpError(429, "rateLimitExceeded", "Rate Limit Exceeded", 30));
    assertThatThrownBy(plugin::update)
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("rate limited")
        .hasMessageContaining("retry after 30s");
  }

  @Test
  void serverErrorIsUnavailable() {
    init();
    gcp.compute.inject(
        "resize", new FakeCompute.HttpError(500, "backendError", "Internal error.", null));
    assertThatThrownBy(() -> plugin.increase(1))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("Internal error");
  }

  @Test
  void aDeletedInstanceIsNotFound() {
    init();
    plugin.increase(1);
    String id = plugin.update().get(0).id();
    plugin.decrease(List.of(id));
    assertThatThrownBy(() -> plugin.connectInfo(id))
        .isInstanceOf(ProviderException.NotFound.class)
        .hasMessageContaining("was not found");
    assertThatThrownBy(() -> plugin.heartbeat(id)).isInstanceOf(ProviderException.NotFound.class);
  }

  @Test
  void aMissingPermissionIsFatalAndNamed() {
    init();
    gcp.compute.inject(
        "deleteInstances",
        new FakeCompute.HttpError(
            403,
            "forbidden",
            "Required 'compute.instanceGroupManagers.update' permission for"
                + " 'projects/fleet-project/zones/europe-west1-c/instanceGroupManagers/runners'",
            null));
    assertThatThrownBy(() -> plugin.decrease(List.of(GcpFixture.ZONE + "/runners-a000")))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("missing permission compute.instanceGroupManagers.update");
  }

  @Test
  void aMissingPermissionAtInitNamesWhatGetNeeds() {
    gcp.compute.inject("get", new FakeCompute.HttpError(403, "forbidden", "Forbidden", null));
    assertThatThrownBy(this::init)
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("missing permission compute.instanceGroupManagers.get");
  }

  @Test
  void aSlowAnswerTimesOutWithinTheCallBound() {
    GcpInstanceGroup impatient =
        new GcpInstanceGroup(gcp.clock, gcp.tuning().withCallTimeout(Duration.ofMillis(300)));
    try {
      impatient.init(Settings.defaults(), gcp.zonalConfig(GcpFixture.GROUP));
      gcp.compute.inject("listManagedInstances", new FakeCompute.Slow(Duration.ofSeconds(2)));
      gcp.compute.inject("listManagedInstances", new FakeCompute.Slow(Duration.ofSeconds(2)));
      gcp.compute.inject("listManagedInstances", new FakeCompute.Slow(Duration.ofSeconds(2)));
      assertThatThrownBy(impatient::update).isInstanceOf(ProviderException.Unavailable.class);
    } finally {
      impatient.shutdown();
    }
  }

  @Test
  void aLostAnswerIsUnavailableAlthoughComputeActed() {
    init();
    gcp.compute.inject("resize", new FakeCompute.Lost());
    assertThatThrownBy(() -> plugin.increase(2)).isInstanceOf(ProviderException.Unavailable.class);
    // The ambiguity is settled by the next update: the instances exist and are reported.
    assertThat(group.targetSize).isEqualTo(2);
    assertThat(plugin.update()).hasSize(2);
  }

  @Test
  void anOperationThatDoesNotFinishIsReportedAsStillRunningAfterTheBound() {
    GcpFixture slow =
        new GcpFixture(
            new ManualClock(Instant.parse("2026-12-01T12:00:00Z")),
            new ComputeModel.Latencies(
                Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofHours(1)));
    slow.zonal(GcpFixture.GROUP);
    GcpInstanceGroup p = slow.newGroup();
    try {
      p.init(Settings.defaults(), slow.zonalConfig(GcpFixture.GROUP));
      Instant before = slow.clock.instant();
      assertThatThrownBy(() -> p.increase(1))
          .isInstanceOf(ProviderException.Unavailable.class)
          .hasMessageContaining("still RUNNING")
          .hasMessageContaining("may still complete");
      assertThat(Duration.between(before, slow.clock.instant()))
          .isEqualTo(GcpTuning.defaults().operationTimeout());
    } finally {
      p.shutdown();
      slow.close();
    }
  }

  @Test
  void theErrorMappingOfOperationCodes() {
    var op =
        com.google.cloud.compute.v1.Operation.newBuilder()
            .setName("op-1")
            .setError(
                com.google.cloud.compute.v1.Error.newBuilder()
                    .addErrors(
                        com.google.cloud.compute.v1.Errors.newBuilder()
                            .setCode("QUOTA_EXCEEDED")
                            .setMessage("Quota 'INSTANCES' exceeded")))
            .build();
    assertThat(GcpErrors.ofOperation("resize", op)).isInstanceOf(ProviderException.Capacity.class);
    var gone =
        op.toBuilder()
            .setError(
                com.google.cloud.compute.v1.Error.newBuilder()
                    .addErrors(
                        com.google.cloud.compute.v1.Errors.newBuilder()
                            .setCode("RESOURCE_NOT_FOUND")
                            .setMessage("gone")))
            .build();
    assertThat(GcpErrors.ofOperation("deleteInstances", gone))
        .isInstanceOf(ProviderException.NotFound.class);
  }
}
