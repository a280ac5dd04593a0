package io.fleetscaler.plugin.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.aws.FaultInjectingProxy.Answer;
import io.fleetscaler.plugin.aws.FaultInjectingProxy.Delay;
import io.fleetscaler.plugin.aws.FaultInjectingProxy.DropConnection;
import io.fleetscaler.plugin.aws.FaultInjectingProxy.LoseAnswer;
import io.fleetscaler.plugin.aws.FaultInjectingProxy.Pass;
import io.fleetscaler.plugin.aws.FaultInjectingProxy.Reject;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The provider behind a proxy that throttles, fails and delays moto's answers on a script: the SDK
 * and the plugin back off and retry what is safe to retry, map what persists to the right category,
 * and never send a termination twice for the same instance.
 */
@ExtendWith(MotoExtension.class)
class AwsFaultInjectionTest {
  private static final String GROUP = "runners";
  private static final String TERMINATE = "TerminateInstanceInAutoScalingGroup";
  private static final String DESCRIBE_GROUPS = "DescribeAutoScalingGroups";
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(1);

  private final AsgFixture aws;
  private final FaultInjectingProxy proxy;
  private final List<Duration> pluginBackoffs = new CopyOnWriteArrayList<>();
  private final AwsInstanceGroup group;

  AwsFaultInjectionTest(MotoServer moto) {
    this.aws = new AsgFixture(moto.endpoint());
    this.proxy = FaultInjectingProxy.start(moto.endpoint());
    AwsTuning tuning =
        AwsTuning.defaults()
            .withTimeouts(ATTEMPT_TIMEOUT, Duration.ofSeconds(20))
            .withBackoff(
                Duration.ofMillis(10),
                Duration.ofMillis(20),
                Duration.ofMillis(200),
                pluginBackoffs::add);
    this.group = new AwsInstanceGroup(Clock.systemUTC(), tuning);
  }

  @BeforeEach
  void createGroupBehindTheProxy() {
    aws.createGroup(GROUP, 5);
    group.init(
        Settings.defaults(),
        aws.config(GROUP)
            .replace(
                "\"endpoint\":\"" + aws.endpoint() + "\"",
                "\"endpoint\":\"" + proxy.endpoint() + "\""));
  }

  @AfterEach
  void close() {
    group.shutdown();
    proxy.close();
    aws.close();
  }

  @Test
  void throttledCallsAreRetriedByTheSdkUntilTheyPass() {
    proxy.fail(DESCRIBE_GROUPS, FaultInjectingProxy.throttling(), FaultInjectingProxy.throttling());
    long before = proxy.requests(DESCRIBE_GROUPS);

    assertThat(group.update()).isEmpty();

    assertThat(proxy.requests(DESCRIBE_GROUPS) - before)
        .as("two throttled, one passed")
        .isEqualTo(3);
  }

  @Test
  void persistentThrottlingIsRetryableUnavailable() {
    proxy.fail(
        DESCRIBE_GROUPS,
        FaultInjectingProxy.throttling(),
        FaultInjectingProxy.throttling(),
        FaultInjectingProxy.throttling());
    long before = proxy.requests(DESCRIBE_GROUPS);

    assertThatThrownBy(group::update)
        .isInstanceOfSatisfying(
            ProviderException.Unavailable.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessageContaining("Throttling");
    assertThat(proxy.requests(DESCRIBE_GROUPS) - before).as("SDK attempts").isEqualTo(3);
  }

  @Test
  void serverErrorsAreRetriedAndIncreaseAppliesOnce() {
    proxy.fail(
        "SetDesiredCapacity",
        new Reject(500, "InternalFailure"),
        new Reject(503, "ServiceUnavailable"));

    assertThat(group.increase(2)).isEqualTo(2);

    assertThat(aws.group(GROUP).desiredCapacity()).isEqualTo(2);
    assertThat(proxy.requests("SetDesiredCapacity")).isEqualTo(3);
  }

  @Test
  void slowAnswersTimeOutAndAreRetried() {
    proxy.fail(DESCRIBE_GROUPS, new Delay(ATTEMPT_TIMEOUT.multipliedBy(3)));
    assertThat(group.update()).isEmpty();

    proxy.fail(
        DESCRIBE_GROUPS,
        new Delay(ATTEMPT_TIMEOUT.multipliedBy(3)),
        new Delay(ATTEMPT_TIMEOUT.multipliedBy(3)),
        new Delay(ATTEMPT_TIMEOUT.multipliedBy(3)));
    assertThatThrownBy(group::update).isInstanceOf(ProviderException.Unavailable.class);
  }

  @Test
  void quotaErrorsAreCapacityAndAuthErrorsAreInvalidConfig() {
    proxy.fail("SetDesiredCapacity", new Reject(400, "LimitExceeded"));
    assertThatThrownBy(() -> group.increase(1)).isInstanceOf(ProviderException.Capacity.class);

    proxy.fail(DESCRIBE_GROUPS, new Reject(403, "AccessDenied"));
    assertThatThrownBy(group::update)
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("AccessDenied")
        .hasMessageContaining("IAM");
    assertThat(aws.group(GROUP).desiredCapacity()).isZero();
  }

  @Test
  void aTerminationWhoseAnswerWasLostIsNotSentAgain() throws InterruptedException {
    List<String> ids = grow(3);
    proxy.fail(TERMINATE, new LoseAnswer());

    assertThat(group.decrease(List.of(ids.get(0)))).containsExactly(ids.get(0));

    assertThat(proxy.forwarded(TERMINATE, ids.get(0))).isOne();
    assertThat(aws.group(GROUP).desiredCapacity()).as("decremented once").isEqualTo(2);
    assertThat(aws.instanceIds(GROUP)).containsExactlyInAnyOrder(ids.get(1), ids.get(2));
  }

  @Test
  void aTerminationWhoseConnectionDroppedIsNotSentAgain() throws InterruptedException {
    List<String> ids = grow(2);
    proxy.fail(TERMINATE, new DropConnection());

    assertThat(group.decrease(List.of(ids.get(0)))).containsExactly(ids.get(0));

    assertThat(proxy.forwarded(TERMINATE, ids.get(0))).isOne();
    assertThat(aws.group(GROUP).desiredCapacity()).isOne();
  }

  @Test
  void aThrottledTerminationIsRetriedAfterBackoffAndAppliedOnce() throws InterruptedException {
    List<String> ids = grow(2);
    proxy.fail(TERMINATE, FaultInjectingProxy.throttling(), FaultInjectingProxy.throttling());

    assertThat(group.decrease(ids)).containsExactlyElementsOf(ids);

    for (String id : ids) {
      assertThat(proxy.forwarded(TERMINATE, id)).as("terminations of %s", id).isOne();
    }
    assertThat(pluginBackoffs)
        .as("exponential, from the throttling base")
        .containsExactly(Duration.ofMillis(20), Duration.ofMillis(40));
    assertThat(aws.group(GROUP).desiredCapacity()).isZero();
  }

  @Test
  void persistentThrottlingStopsTheBatchAndReturnsWhatSucceeded() throws InterruptedException {
    List<String> ids = grow(3);
    proxy.fail(
        TERMINATE,
        new Pass(),
        FaultInjectingProxy.throttling(),
        FaultInjectingProxy.throttling(),
        FaultInjectingProxy.throttling());

    assertThat(group.decrease(ids)).containsExactly(ids.get(0));

    assertThat(proxy.forwarded(TERMINATE, ids.get(0))).isOne();
    assertThat(proxy.forwarded(TERMINATE, ids.get(1))).isZero();
    assertThat(proxy.forwarded(TERMINATE, ids.get(2))).as("not tried after throttling").isZero();
    assertThat(aws.instanceIds(GROUP)).containsExactlyInAnyOrder(ids.get(1), ids.get(2));
    assertThat(aws.group(GROUP).desiredCapacity()).isEqualTo(2);
  }

  @Test
  void aBatchWhereNothingSucceededThrowsTheFailure() throws InterruptedException {
    List<String> ids = grow(1);
    proxy.fail(
        TERMINATE,
        FaultInjectingProxy.throttling(),
        FaultInjectingProxy.throttling(),
        FaultInjectingProxy.throttling());

    assertThatThrownBy(() -> group.decrease(ids))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("Throttling");
    assertThat(aws.instanceIds(GROUP)).containsExactlyElementsOf(ids);
  }

  @Test
  void aWindowsPasswordFromGetPasswordDataIsDecryptedWithTheConnectorsKey() throws Exception {
    KeyPair pair = WindowsPasswordTest.rsa();
    String key = WindowsPasswordTest.pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    aws.createWindowsGroup("windows", 5);
    ConnectorConfig asked =
        new ConnectorConfig(
            "", "", Protocol.WINRM, 0, "", null, key, false, Duration.ZERO, Duration.ZERO);
    AwsInstanceGroup windows = new AwsInstanceGroup(Clock.systemUTC(), AwsTuning.defaults());
    try {
      windows.init(new Settings(asked), behindProxy(aws.config("windows")));
      windows.increase(1);
      String id = aws.instanceIds("windows").get(0);
      proxy.fail(
          "GetPasswordData",
          passwordData(id, ""),
          passwordData(id, WindowsPasswordTest.encrypt(pair.getPublic(), "Adm1n-pa55")));

      // As in the minutes after launch, EC2 has no password yet: retry later.
      assertThatThrownBy(() -> windows.connectInfo(id))
          .isInstanceOf(ProviderException.Unavailable.class)
          .hasMessageContaining("no password");
      ConnectInfo info = windows.connectInfo(id);

      assertThat(info.connector().os()).isEqualTo("windows");
      assertThat(info.connector().username()).isEqualTo("Administrator");
      assertThat(info.connector().password()).isEqualTo("Adm1n-pa55");
      assertThat(info.expires()).isNull();
      assertThat(info.toString()).doesNotContain("Adm1n-pa55");
    } finally {
      windows.shutdown();
    }
  }

  private static Answer passwordData(String id, String data) {
    return new Answer(
        200,
        "<GetPasswordDataResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
            + "<requestId>test</requestId><instanceId>"
            + id
            + "</instanceId><timestamp>2026-11-23T12:00:00.000Z</timestamp><passwordData>"
            + data
            + "</passwordData></GetPasswordDataResponse>");
  }

  private String behindProxy(String config) {
    return config.replace(
        "\"endpoint\":\"" + aws.endpoint() + "\"", "\"endpoint\":\"" + proxy.endpoint() + "\"");
  }

  private List<String> grow(int n) throws InterruptedException {
    group.increase(n);
    for (int i = 0; i < 100; i++) {
      List<InstanceStatus> now = group.update();
      if (now.size() == n) {
        return now.stream().map(InstanceStatus::id).toList();
      }
      Thread.sleep(50);
    }
    throw new AssertionError(n + " instances did not appear");
  }
}
