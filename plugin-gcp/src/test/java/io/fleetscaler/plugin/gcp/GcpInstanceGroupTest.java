package io.fleetscaler.plugin.gcp;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Google Cloud provider's behaviour against the fake Compute under a manual clock with
 * realistic latencies: the managed-instance lifecycle, paging, scale-in without replacement,
 * suspend and resume in both modes, and SSH keys in instance metadata.
 */
class GcpInstanceGroupTest {
  private static final Settings MINTED =
      new Settings(
          new ConnectorConfig(
              "", "", Protocol.SSH, 0, "runner", null, null, false, Duration.ZERO, Duration.ZERO));

  private final GcpFixture gcp =
      new GcpFixture(
          new ManualClock(Instant.parse("2026-12-01T12:00:00Z")),
          ComputeModel.Latencies.realistic());
  private final ComputeModel.Group group = gcp.zonal(GcpFixture.GROUP);
  private final GcpInstanceGroup plugin = gcp.newGroup();

  @AfterEach
  void close() {
    plugin.shutdown();
    gcp.close();
  }

  @Test
  void initDescribesTheGroup() {
    ProviderInfo info = plugin.init(MINTED, gcp.zonalConfig(GcpFixture.GROUP));
    assertThat(info.id()).isEqualTo("gcp/fleet-project/europe-west1-c/runners");
    assertThat(info.maxSize()).isEqualTo(1000);
    assertThat(info.capabilities()).containsExactly(Capability.SUSPEND_RESUME);

    gcp.regional("regional");
    GcpInstanceGroup regional = gcp.newGroup();
    ProviderInfo r = regional.init(MINTED, gcp.regionalConfig("regional"));
    regional.shutdown();
    assertThat(r.id()).isEqualTo("gcp/fleet-project/europe-west1/regional");
    assertThat(r.maxSize()).isEqualTo(2000);
  }

  @Test
  void initRefusesAGroupWithAnAttachedAutoscaler() {
    group.autoscaler =
        "https://www.googleapis.com/compute/v1/projects/fleet-project/zones/europe-west1-c/autoscalers/as";
    assertThatThrownBy(() -> plugin.init(MINTED, gcp.zonalConfig(GcpFixture.GROUP)))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("autoscalers/as")
        .hasMessageContaining("fight");
  }

  @Test
  void statesFollowTheManagedInstanceLifecycle() {
    plugin.init(MINTED, gcp.zonalConfig(GcpFixture.GROUP));
    assertThat(plugin.increase(1)).isOne();
    assertThat(states()).containsOnly(InstanceState.CREATING); // CREATING, PROVISIONING
    gcp.clock.advance(Duration.ofSeconds(20));
    assertThat(states()).containsOnly(InstanceState.CREATING); // CREATING, STAGING
    gcp.clock.advance(Duration.ofSeconds(15));
    assertThat(states()).containsOnly(InstanceState.RUNNING); // NONE, RUNNING
  }

  @Test
  void updateReadsEveryPage() {
    plugin.init(MINTED, gcp.zonalConfig(GcpFixture.GROUP));
    plugin.increase(5);
    assertThat(plugin.update()).hasSize(5).extracting(InstanceStatus::id).doesNotHaveDuplicates();
    assertThat(calls("listManagedInstances")).as("pages of 2").isEqualTo(3);

    group.paginated = false; // listManagedInstancesResults = PAGELESS: one answer, no token
    assertThat(plugin.update()).hasSize(5);
    assertThat(calls("listManagedInstances")).isEqualTo(4);
  }

  @Test
  void decreaseDeletesExactlyTheNamedInstancesAndNothingReplacesThem() {
    plugin.init(MINTED, gcp.zonalConfig(GcpFixture.GROUP));
    plugin.increase(2);
    plugin.increase(1);
    gcp.clock.advance(Duration.ofMinutes(1));
    List<String> ids = plugin.update().stream().map(InstanceStatus::id).toList();
    assertThat(ids).hasSize(3);

    assertThat(plugin.decrease(List.of(ids.get(1)))).containsExactly(ids.get(1));
    assertThat(group.targetSize).isEqualTo(2);
    assertThat(stateOf(ids.get(1))).isEqualTo(InstanceState.DELETING);
    gcp.clock.advance(Duration.ofMinutes(1));
    assertThat(plugin.update())
        .extracting(InstanceStatus::id)
        .containsExactlyInAnyOrder(ids.get(0), ids.get(2));
    assertThat(plugin.decrease(List.of(ids.get(1)))).as("idempotent").containsExactly(ids.get(1));
    assertThat(group.targetSize).isEqualTo(2);
    assertThat(resizes()).as("resize only ever grows the group").containsExactly(2, 3);
  }

  @Test
  void suspendAndResumeUseTheGroupsSuspendCalls() {
    plugin.init(MINTED, gcp.zonalConfig(GcpFixture.GROUP));
    String id = runningInstance();
    assertThat(plugin.suspend(List.of(id))).containsExactly(id);
    assertThat(stateOf(id)).isEqualTo(InstanceState.SUSPENDING);
    gcp.clock.advance(Duration.ofMinutes(1));
    assertThat(stateOf(id)).isEqualTo(InstanceState.SUSPENDED);
    assertThat(group.targetSuspendedSize).isOne();
    assertThat(group.targetSize).as("a suspended instance stays in the group").isOne();
    assertThatThrownBy(() -> plugin.heartbeat(id))
        .isInstanceOf(ProviderException.Unhealthy.class)
        .hasMessageContaining("SUSPENDED");

    assertThat(plugin.resume(List.of(id))).containsExactly(id);
    assertThat(stateOf(id)).isEqualTo(InstanceState.RESUMING);
    gcp.clock.advance(Duration.ofMinutes(1));
    assertThat(stateOf(id)).isEqualTo(InstanceState.RUNNING);
    assertThat(group.targetSuspendedSize).isZero();
    assertThat(calls("suspendInstances")).isOne();
    assertThat(calls("resumeInstances")).isOne();
  }

  @Test
  void suspendModeStopUsesStopAndStart() {
    plugin.init(
        MINTED, gcp.zonalConfig(GcpFixture.GROUP).replace("}", ",\"suspend_mode\":\"stop\"}"));
    String id = runningInstance();
    plugin.suspend(List.of(id));
    gcp.clock.advance(Duration.ofMinutes(1));
    assertThat(stateOf(id)).isEqualTo(InstanceState.SUSPENDED); // NONE, TERMINATED
    assertThat(group.targetStoppedSize).isOne();
    plugin.resume(List.of(id));
    assertThat(stateOf(id)).isEqualTo(InstanceState.RESUMING);
    gcp.clock.advance(Duration.ofMinutes(1));
    assertThat(stateOf(id)).isEqualTo(InstanceState.RUNNING);
    assertThat(calls("stopInstances")).isOne();
    assertThat(calls("startInstances")).isOne();
    assertThat(calls("suspendInstances") + calls("resumeInstances")).isZero();
  }

  @Test
  void connectInfoAddsAShortLivedKeyToTheInstancesMetadata() {
    plugin.init(MINTED, gcp.zonalConfig(GcpFixture.GROUP));
    String id = runningInstance();
    ComputeModel.Vm vm = vm(id);
    vm.metadata.put("ssh-keys", "alice:ssh-ed25519 AAAAalice alice@example.com");
    vm.metadataVersion++;

    Instant asked = gcp.clock.instant();
    ConnectInfo first = plugin.connectInfo(id);
    assertThat(first.internalAddr()).isEqualTo(vm.networkIp);
    assertThat(first.externalAddr()).isEqualTo(vm.natIp);
    assertThat(first.connector().username()).isEqualTo("runner");
    assertThat(first.connector().os()).isEqualTo("linux");
    assertThat(first.connector().arch()).isEqualTo("amd64");
    assertThat(first.connector().privateKey()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(first.expires()).isEqualTo(asked.plus(Duration.ofMinutes(5)));
    assertThat(keys(vm)).hasSize(2);
    assertThat(keys(vm).get(0)).isEqualTo("alice:ssh-ed25519 AAAAalice alice@example.com");
    assertThat(keys(vm).get(1))
        .startsWith("runner:ssh-ed25519 ")
        .endsWith(
            " google-ssh {\"userName\":\"fleetscaler\",\"expireOn\":\""
                + expireOn(asked.plus(Duration.ofMinutes(5)))
                + "\"}");

    gcp.clock.advance(Duration.ofMinutes(6));
    Instant again = gcp.clock.instant();
    ConnectInfo second = plugin.connectInfo(id);
    assertThat(second.connector().privateKey()).isNotEqualTo(first.connector().privateKey());
    assertThat(keys(vm)).as("the expired key is pruned, alice's kept").hasSize(2);
    assertThat(keys(vm).get(1)).contains(expireOn(again.plus(Duration.ofMinutes(5))));
  }

  @Test
  void aConcurrentMetadataChangeIsRetriedOnTheNewFingerprint() {
    plugin.init(MINTED, gcp.zonalConfig(GcpFixture.GROUP));
    String id = runningInstance();
    gcp.compute.inject(
        "instances.setMetadata",
        new FakeCompute.HttpError(
            412,
            "conditionNotMet",
            "Supplied fingerprint does not match current metadata fingerprint.",
            null));
    plugin.connectInfo(id);
    assertThat(calls("setMetadata")).isEqualTo(2);
    assertThat(keys(vm(id))).hasSize(1);
  }

  @Test
  void staticCredentialsAreHandedBackWithoutTouchingMetadata() {
    Settings fixed =
        new Settings(
            new ConnectorConfig(
                "linux",
                "arm64",
                Protocol.SSH,
                2222,
                "ci",
                null,
                "KEY",
                true,
                Duration.ZERO,
                Duration.ZERO));
    plugin.init(fixed, gcp.zonalConfig(GcpFixture.GROUP));
    ConnectInfo info = plugin.connectInfo(runningInstance());
    assertThat(info.connector()).isEqualTo(fixed.connector());
    assertThat(info.expires()).isNull();
    assertThat(calls("setMetadata")).isZero();
  }

  @Test
  void windowsWithoutStaticCredentialsIsAClearError() {
    plugin.init(MINTED, gcp.zonalConfig(GcpFixture.GROUP));
    String id = runningInstance();
    vm(id).windows = true;
    assertThatThrownBy(() -> plugin.connectInfo(id))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("Windows")
        .hasMessageContaining("use_static_credentials");
  }

  @Test
  void anInstanceOfAnotherGroupIsNotFound() {
    plugin.init(MINTED, gcp.zonalConfig(GcpFixture.GROUP));
    ComputeModel.Group other = gcp.zonal("others");
    gcp.compute.model().resize(other, 1);
    String stranger = GcpFixture.ZONE + "/" + gcp.compute.model().vms(other).get(0).name;
    assertThatThrownBy(() -> plugin.connectInfo(stranger))
        .isInstanceOf(ProviderException.NotFound.class)
        .hasMessageContaining("not managed by group");
    assertThatThrownBy(() -> plugin.connectInfo("not an id"))
        .isInstanceOf(ProviderException.NotFound.class);
  }

  private String runningInstance() {
    plugin.increase(1);
    gcp.clock.advance(Duration.ofMinutes(1));
    List<InstanceStatus> listed = plugin.update();
    assertThat(listed).extracting(InstanceStatus::state).containsOnly(InstanceState.RUNNING);
    return listed.get(listed.size() - 1).id();
  }

  private static String expireOn(Instant at) {
    return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx")
        .withZone(java.time.ZoneOffset.UTC)
        .format(at);
  }

  private ComputeModel.Vm vm(String id) {
    String[] parts = id.split("/", 2);
    return gcp.compute.model().vm(GcpFixture.PROJECT, parts[0], parts[1]).orElseThrow();
  }

  private static List<String> keys(ComputeModel.Vm vm) {
    return Arrays.stream(vm.metadata.getOrDefault("ssh-keys", "").split("\n", -1))
        .filter(l -> !l.isBlank())
        .toList();
  }

  private List<InstanceState> states() {
    return plugin.update().stream().map(InstanceStatus::state).toList();
  }

  private InstanceState stateOf(String id) {
    Map<String, InstanceState> byId =
        plugin.update().stream()
            .collect(Collectors.toMap(InstanceStatus::id, InstanceStatus::state));
    return java.util.Objects.requireNonNull(byId.get(id), () -> id + " is not listed: " + byId);
  }

  private long calls(String verb) {
    return gcp.compute.requests().stream().filter(r -> r.path().endsWith("/" + verb)).count();
  }

  private List<Integer> resizes() {
    return gcp.compute.requests().stream()
        .filter(r -> r.path().endsWith("/resize"))
        .map(r -> Integer.parseInt(r.query().get("size")))
        .toList();
  }
}
