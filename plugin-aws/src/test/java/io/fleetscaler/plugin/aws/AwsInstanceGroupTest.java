package io.fleetscaler.plugin.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.model.Instance;

/** What the AWS provider does to an Auto Scaling group in moto, looked at from the outside. */
@ExtendWith(MotoExtension.class)
class AwsInstanceGroupTest {
  private static final String GROUP = "runners";
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  private final AsgFixture aws;
  private final List<AwsInstanceGroup> groups = new ArrayList<>();

  AwsInstanceGroupTest(MotoServer moto) {
    this.aws = new AsgFixture(moto.endpoint());
  }

  @AfterEach
  void close() {
    groups.forEach(AwsInstanceGroup::shutdown);
    aws.close();
  }

  @Test
  void initDescribesTheGroupByRegionAndNameWithItsMaxSize() {
    aws.createGroup(GROUP, 7);
    ProviderInfo info = open(Settings.defaults()).init(Settings.defaults(), aws.config(GROUP));
    assertThat(info.id()).isEqualTo("aws/us-east-1/runners");
    assertThat(info.maxSize()).isEqualTo(7);
    assertThat(info.capabilities())
        .containsExactly(io.fleetscaler.plugin.api.Capability.SUSPEND_RESUME);
  }

  @Test
  void scalesUpAndDownByNamedTerminationWithoutReplacement() throws InterruptedException {
    aws.createGroup(GROUP, 5);
    AwsInstanceGroup group = init(Settings.defaults());

    assertThat(group.increase(3)).isEqualTo(3);
    List<InstanceStatus> running =
        await(group, list -> list.size() == 3 && list.stream().allMatch(this::running));
    List<String> ids = running.stream().map(InstanceStatus::id).toList();
    List<String> victims = ids.subList(0, 2);

    assertThat(group.decrease(victims)).containsExactlyElementsOf(victims);

    assertThat(aws.group(GROUP).desiredCapacity()).as("desired after named termination").isOne();
    List<InstanceStatus> after = await(group, list -> list.size() == 1);
    assertThat(after).containsExactly(new InstanceStatus(ids.get(2), InstanceState.RUNNING));
    // Auto Scaling launched no replacement: the group holds exactly the survivor.
    assertThat(aws.instanceIds(GROUP)).containsExactly(ids.get(2));
    assertThat(group.desiredCapacityDrifts()).as("our own changes are no drift").isZero();
  }

  @Test
  void decreaseOfAnInstanceAlreadyGoneCountsAsDoneAndLowersNothingElse()
      throws InterruptedException {
    aws.createGroup(GROUP, 5);
    AwsInstanceGroup group = init(Settings.defaults());
    group.increase(2);
    List<String> ids = ids(await(group, list -> list.size() == 2));

    assertThat(group.decrease(List.of(ids.get(0)))).containsExactly(ids.get(0));
    assertThat(group.decrease(List.of(ids.get(0)))).containsExactly(ids.get(0));

    assertThat(aws.group(GROUP).desiredCapacity()).isOne();
    assertThat(aws.instanceIds(GROUP)).containsExactly(ids.get(1));
  }

  @Test
  void increaseIsClampedToTheGroupsMaximum() throws InterruptedException {
    aws.createGroup(GROUP, 4);
    AwsInstanceGroup group = init(Settings.defaults());
    assertThat(group.increase(1)).isOne();

    assertThat(group.increase(10)).as("room for 3 more").isEqualTo(3);
    assertThat(aws.group(GROUP).desiredCapacity()).isEqualTo(4);
    assertThat(group.increase(1)).as("when full").isZero();
    assertThat(aws.group(GROUP).desiredCapacity()).isEqualTo(4);
    assertThat(await(group, list -> list.size() == 4)).hasSize(4);
  }

  @Test
  void desiredCapacityChangedBehindItsBackIsCountedOnce() {
    aws.createGroup(GROUP, 5);
    AwsInstanceGroup group = init(Settings.defaults());
    group.update();
    assertThat(group.desiredCapacityDrifts()).isZero();

    aws.setDesiredCapacity(GROUP, 2);
    group.update();
    group.update();

    assertThat(group.desiredCapacityDrifts()).isOne();
  }

  @Test
  void warnsWhenNewInstancesAreNotProtectedAndAzRebalanceRuns() {
    aws.createGroup(GROUP, 5, false, false);
    AwsInstanceGroup group = init(Settings.defaults());
    assertThat(group.scaleInProtectionWarnings()).isOne();
    assertThat(group.azRebalanceWarnings()).isOne();
  }

  @Test
  void aGroupSetUpAsRequiredGivesNoWarning() {
    aws.createGroup(GROUP, 5);
    AwsInstanceGroup group = init(Settings.defaults());
    assertThat(group.scaleInProtectionWarnings()).isZero();
    assertThat(group.azRebalanceWarnings()).isZero();
  }

  @Test
  void connectInfoPushesAFreshKeyWithInstanceConnectAndReturnsItWithItsExpiry() throws Exception {
    aws.createGroup(GROUP, 5);
    ConnectorConfig asked =
        new ConnectorConfig(
            "", "", Protocol.SSH, 0, "", null, null, false, Duration.ZERO, Duration.ZERO);
    AwsInstanceGroup group = init(new Settings(asked));
    group.increase(1);
    String id = ids(await(group, list -> list.size() == 1 && running(list.get(0)))).get(0);
    Instance ec2 =
        aws.ec2()
            .describeInstances(r -> r.instanceIds(id))
            .reservations()
            .get(0)
            .instances()
            .get(0);

    ConnectInfo first = group.connectInfo(id);
    ConnectInfo second = group.connectInfo(id);

    assertThat(first.id()).isEqualTo(id);
    assertThat(first.internalAddr()).isEqualTo(ec2.privateIpAddress());
    assertThat(first.externalAddr())
        .isEqualTo(ec2.publicIpAddress() == null ? "" : ec2.publicIpAddress());
    assertThat(first.expires()).isEqualTo(NOW.plusSeconds(60));
    assertThat(first.connector().os()).isEqualTo("linux");
    assertThat(first.connector().arch()).isEqualTo("amd64");
    assertThat(first.connector().username()).isEqualTo("ec2-user");
    assertThat(first.connector().password()).isNull();
    String key = Objects.requireNonNull(first.connector().privateKey(), "generated private key");
    assertThat(key).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(second.connector().privateKey()).as("a fresh key per call").isNotEqualTo(key);
    assertThat(first.toString()).doesNotContain(key);
    assertThat(parsesAsEd25519(key)).isTrue();
  }

  @Test
  void connectInfoWithStaticCredentialsHandsThemBackAndPushesNoKey() throws InterruptedException {
    aws.createGroup(GROUP, 5);
    ConnectorConfig asked =
        new ConnectorConfig(
            "",
            "",
            Protocol.SSH,
            2222,
            "runner",
            null,
            "static-key",
            true,
            Duration.ZERO,
            Duration.ZERO);
    AwsInstanceGroup group = init(new Settings(asked));
    group.increase(1);
    String id = ids(await(group, list -> list.size() == 1 && running(list.get(0)))).get(0);

    ConnectInfo info = group.connectInfo(id);

    assertThat(info.expires()).isNull();
    assertThat(info.connector().privateKey()).isEqualTo("static-key");
    assertThat(info.connector().username()).isEqualTo("runner");
    assertThat(info.connector().protocolPort()).isEqualTo(2222);
    assertThat(info.connector().os()).isEqualTo("linux");
  }

  @Test
  void windowsWithoutAKeyToDecryptItsPasswordIsInvalidConfig() throws InterruptedException {
    aws.createWindowsGroup(GROUP, 5);
    ConnectorConfig asked =
        new ConnectorConfig(
            "", "", Protocol.WINRM, 0, "", null, null, false, Duration.ZERO, Duration.ZERO);
    AwsInstanceGroup group = init(new Settings(asked));
    group.increase(1);
    String id = ids(await(group, list -> list.size() == 1 && running(list.get(0)))).get(0);

    assertThatThrownBy(() -> group.connectInfo(id))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("Windows");
  }

  @Test
  void windowsPasswordDataThatTheKeyCannotDecryptIsInvalidConfig() throws InterruptedException {
    aws.createWindowsGroup(GROUP, 5);
    String key =
        WindowsPasswordTest.pem("PRIVATE KEY", WindowsPasswordTest.rsa().getPrivate().getEncoded());
    ConnectorConfig asked =
        new ConnectorConfig(
            "", "", Protocol.WINRM, 0, "", null, key, false, Duration.ZERO, Duration.ZERO);
    AwsInstanceGroup group = init(new Settings(asked));
    group.increase(1);
    String id = ids(await(group, list -> list.size() == 1 && running(list.get(0)))).get(0);

    // Moto's password data was not encrypted under this test's key: the operator configured the
    // wrong key pair.
    assertThatThrownBy(() -> group.connectInfo(id))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("key pair");
  }

  @Test
  void instancesOfAnotherGroupAreNotFound() throws InterruptedException {
    aws.createGroup(GROUP, 5);
    aws.createGroup("others", 5);
    aws.setDesiredCapacity("others", 1);
    String foreign = aws.instanceIds("others").get(0);
    AwsInstanceGroup group = init(Settings.defaults());

    assertThat(ids(group.update())).doesNotContain(foreign);
    assertThatThrownBy(() -> group.connectInfo(foreign))
        .isInstanceOf(ProviderException.NotFound.class);
    assertThatThrownBy(() -> group.heartbeat(foreign))
        .isInstanceOf(ProviderException.NotFound.class);
  }

  @Test
  void anInstanceAutoScalingMarkedUnhealthyTimesOutAndFailsItsHeartbeat()
      throws InterruptedException {
    aws.createGroup(GROUP, 5);
    AwsInstanceGroup group = init(Settings.defaults());
    group.increase(2);
    List<String> ids = ids(await(group, list -> list.size() == 2));
    String sick = ids.get(0);
    aws.autoScaling().setInstanceHealth(r -> r.instanceId(sick).healthStatus("Unhealthy"));

    Map<String, InstanceState> states =
        group.update().stream()
            .collect(Collectors.toMap(InstanceStatus::id, InstanceStatus::state));

    assertThat(states).containsEntry(sick, InstanceState.TIMEOUT);
    assertThat(states).containsEntry(ids.get(1), InstanceState.RUNNING);
    assertThatThrownBy(() -> group.heartbeat(sick)).isInstanceOf(ProviderException.Unhealthy.class);
    assertThatCode(() -> group.heartbeat(ids.get(1))).doesNotThrowAnyException();
  }

  @Test
  void aMissingGroupIsInvalidConfigNamingIt() {
    AwsInstanceGroup group = open(Settings.defaults());
    assertThatThrownBy(() -> group.init(Settings.defaults(), aws.config("absent")))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("absent");
  }

  @Test
  void callsBeforeInitAndAfterShutdownAreRefused() {
    aws.createGroup(GROUP, 5);
    AwsInstanceGroup group = open(Settings.defaults());
    assertThatThrownBy(group::update).isInstanceOf(IllegalStateException.class);
    group.init(Settings.defaults(), aws.config(GROUP));
    group.shutdown();
    group.shutdown();
    assertThatThrownBy(group::update).isInstanceOf(IllegalStateException.class);
  }

  private AwsInstanceGroup open(Settings unused) {
    var group = new AwsInstanceGroup(Clock.fixed(NOW, ZoneOffset.UTC), AwsTuning.defaults());
    groups.add(group);
    return group;
  }

  private AwsInstanceGroup init(Settings settings) {
    AwsInstanceGroup group = open(settings);
    group.init(settings, aws.config(GROUP));
    return group;
  }

  private boolean running(InstanceStatus s) {
    return s.state() == InstanceState.RUNNING;
  }

  private static List<String> ids(List<InstanceStatus> list) {
    return list.stream().map(InstanceStatus::id).toList();
  }

  /** Polls update until {@code done}, at most 100 times 50 ms apart (moto is nearly instant). */
  private static List<InstanceStatus> await(
      AwsInstanceGroup group, Predicate<List<InstanceStatus>> done) throws InterruptedException {
    List<InstanceStatus> last = List.of();
    for (int i = 0; i < 100; i++) {
      last = group.update();
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("condition not reached; last update: " + last);
  }

  /** Whether the PEM text holds a PKCS#8 Ed25519 private key that can sign. */
  private static boolean parsesAsEd25519(String pem) throws Exception {
    byte[] der =
        Base64.getMimeDecoder()
            .decode(
                pem.replace("-----BEGIN PRIVATE KEY-----", "")
                    .replace("-----END PRIVATE KEY-----", ""));
    PrivateKey key =
        KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(key);
    signer.update(new byte[] {1, 2, 3});
    return signer.sign().length == 64;
  }
}
