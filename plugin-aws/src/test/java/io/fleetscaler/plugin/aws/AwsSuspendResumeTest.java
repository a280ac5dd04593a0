package io.fleetscaler.plugin.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.aws.FaultInjectingProxy.Reject;
import io.fleetscaler.plugin.aws.FaultInjectingProxy.Rewrite;
import io.fleetscaler.plugin.sdk.PluginClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/**
 * Suspend and resume on Auto Scaling standby in moto, behind the fault proxy, checked in the group
 * and in EC2 themselves: what the ASG counts, what it would replace, what EC2 runs.
 *
 * <p>Where moto deviates from AWS the proxy supplies AWS's behaviour: moto starts and stops
 * instances at once (an answer is rewritten to show {@code pending}), and it launches ASG instances
 * without hibernation options and ignores {@code Hibernate} (an answer is rewritten to show {@code
 * HibernationOptions.Configured}, and the request is checked for the flag).
 */
@ExtendWith(MotoExtension.class)
class AwsSuspendResumeTest {
  private static final String GROUP = "runners";
  private static final int RESUME_POLLS = 3;

  private final AsgFixture aws;
  private final FaultInjectingProxy proxy;
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final List<InstanceGroup> opened = new ArrayList<>();

  AwsSuspendResumeTest(MotoServer moto) {
    this.aws = new AsgFixture(moto.endpoint());
    this.proxy = FaultInjectingProxy.start(moto.endpoint());
  }

  @AfterEach
  void close() {
    for (InstanceGroup g : opened) {
      g.shutdown();
      if (g instanceof PluginClient c) {
        c.close();
      }
    }
    proxy.close();
    aws.close();
  }

  @Test
  void suspendPutsTheInstanceInStandbyStoppedOutOfTheDesiredCapacityAndUnreplaced()
      throws InterruptedException {
    aws.createGroup(GROUP, 5);
    AwsInstanceGroup group = open("");
    List<String> ids = grow(group, 2);
    String id = ids.get(0);

    assertThat(group.suspend(List.of(id))).containsExactly(id);

    assertThat(lifecycle(id)).isEqualTo("Standby");
    assertThat(ec2State(id)).isEqualTo(InstanceStateName.STOPPED);
    assertThat(aws.group(GROUP).desiredCapacity()).as("decremented").isOne();
    assertThat(aws.instanceIds(GROUP)).as("no replacement").containsExactlyElementsOf(ids);
    assertThat(proxy.forwarded("EnterStandby"))
        .singleElement()
        .satisfies(
            s -> assertThat(s.params()).containsEntry("ShouldDecrementDesiredCapacity", "true"));
    assertThat(proxy.forwarded("StopInstances"))
        .singleElement()
        .satisfies(s -> assertThat(s.params()).doesNotContainEntry("Hibernate", "true"));
    assertThat(states(group.update()))
        .containsEntry(id, InstanceState.SUSPENDED)
        .containsEntry(ids.get(1), InstanceState.RUNNING);
    assertThat(group.desiredCapacityDrifts()).as("our own decrement is no drift").isZero();

    // Again: idempotent, nothing sent to AWS but the two looks.
    assertThat(group.suspend(List.of(id))).containsExactly(id);
    assertThat(proxy.forwarded("EnterStandby")).hasSize(1);
    assertThat(proxy.forwarded("StopInstances")).hasSize(1);
  }

  @Test
  void resumeStartsWaitsForRunningThenExitsStandby() throws InterruptedException {
    aws.createGroup(GROUP, 5);
    AwsInstanceGroup group = open("");
    String id = grow(group, 1).get(0);
    group.suspend(List.of(id));
    assertThat(aws.group(GROUP).desiredCapacity()).isZero();

    // AWS starts in tens of seconds: the first look after StartInstances says pending.
    proxy.fail("DescribeInstances", new FaultInjectingProxy.Pass(), pending());
    assertThat(group.resume(List.of(id))).containsExactly(id);

    assertThat(lifecycle(id)).isEqualTo("InService");
    assertThat(ec2State(id)).isEqualTo(InstanceStateName.RUNNING);
    assertThat(aws.group(GROUP).desiredCapacity()).as("incremented again").isOne();
    assertThat(sleeps).as("one poll while pending").hasSize(1);
    List<String> order =
        proxy.seen().stream()
            .map(FaultInjectingProxy.Seen::action)
            .filter(a -> a.equals("StartInstances") || a.equals("ExitStandby"))
            .toList();
    assertThat(order).containsExactly("StartInstances", "ExitStandby");
    assertThat(states(group.update())).containsEntry(id, InstanceState.RUNNING);
    assertThat(group.desiredCapacityDrifts()).isZero();
    assertThat(group.resume(List.of(id))).as("again: already in service").containsExactly(id);
    assertThat(proxy.forwarded("ExitStandby")).hasSize(1);
  }

  @Test
  void aResumeThatDoesNotRunWithinItsBoundIsRetryableAndLeavesTheInstanceInStandby()
      throws InterruptedException {
    aws.createGroup(GROUP, 5);
    AwsInstanceGroup group = open("");
    String id = grow(group, 1).get(0);
    group.suspend(List.of(id));
    FaultInjectingProxy.Fault[] stuck = new FaultInjectingProxy.Fault[RESUME_POLLS + 1];
    stuck[0] = new FaultInjectingProxy.Pass(); // the look before StartInstances
    for (int i = 1; i < stuck.length; i++) {
      stuck[i] = pending();
    }
    proxy.fail("DescribeInstances", stuck);

    assertThatThrownBy(() -> group.resume(List.of(id)))
        .isInstanceOfSatisfying(
            ProviderException.Unavailable.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessageContaining("not running within");

    assertThat(proxy.forwarded("ExitStandby")).as("never back in service unstarted").isEmpty();
    assertThat(lifecycle(id)).isEqualTo("Standby");
    assertThat(aws.group(GROUP).desiredCapacity()).isZero();
    assertThat(sleeps).hasSize(RESUME_POLLS - 1);
    // Moto started it meanwhile; until resume finishes, update says resuming.
    proxy.fail("DescribeInstances", new FaultInjectingProxy.Pass());
    assertThat(states(group.update())).containsEntry(id, InstanceState.RESUMING);

    assertThat(group.resume(List.of(id))).containsExactly(id);
    assertThat(lifecycle(id)).isEqualTo("InService");
    assertThat(proxy.forwarded("StartInstances")).as("started once").hasSize(1);
  }

  @Test
  void hibernateRefusesAnInstanceWithoutHibernationBeforeChangingAnything()
      throws InterruptedException {
    aws.createGroup(GROUP, 5);
    AwsInstanceGroup group = open(",\"suspend_mode\":\"hibernate\"");
    String id = grow(group, 1).get(0);

    assertThatThrownBy(() -> group.suspend(List.of(id)))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining(id)
        .hasMessageContaining("hibernation")
        .hasMessageContaining("suspend_mode");

    assertThat(lifecycle(id)).isEqualTo("InService");
    assertThat(ec2State(id)).isEqualTo(InstanceStateName.RUNNING);
    assertThat(aws.group(GROUP).desiredCapacity()).isOne();
    assertThat(proxy.requests("EnterStandby") + proxy.requests("StopInstances")).isZero();
  }

  @Test
  void hibernateStopsWithHibernateWhenTheInstanceHasHibernationConfigured()
      throws InterruptedException {
    aws.createGroup(GROUP, 5);
    AwsInstanceGroup group = open(",\"suspend_mode\":\"hibernate\"");
    String id = grow(group, 1).get(0);
    // Moto launches ASG instances without HibernationOptions; AWS reports what the template says.
    proxy.fail(
        "DescribeInstances",
        new Rewrite(
            xml ->
                xml.replace(
                    "<instanceId>" + id + "</instanceId>",
                    "<instanceId>"
                        + id
                        + "</instanceId><hibernationOptions><configured>true</configured>"
                        + "</hibernationOptions>")));

    assertThat(group.suspend(List.of(id))).containsExactly(id);

    assertThat(proxy.forwarded("StopInstances"))
        .singleElement()
        .satisfies(s -> assertThat(s.params()).containsEntry("Hibernate", "true"));
    assertThat(lifecycle(id)).isEqualTo("Standby");
  }

  @Test
  void aSuspendedInstanceCountsAgainstMaxSizeAndIsTerminatedWithoutDecrement()
      throws InterruptedException {
    aws.createGroup(GROUP, 3);
    AwsInstanceGroup group = open("");
    List<String> ids = grow(group, 2);
    group.suspend(List.of(ids.get(0)));

    assertThat(group.increase(5)).as("room for 3, one suspended, one running").isOne();
    assertThat(aws.group(GROUP).desiredCapacity()).isEqualTo(2);
    List<String> all = awaitCount(group, 3);

    group.update();
    assertThat(group.decrease(List.of(ids.get(0)))).containsExactly(ids.get(0));

    assertThat(proxy.forwarded("TerminateInstanceInAutoScalingGroup"))
        .singleElement()
        .satisfies(
            s -> assertThat(s.params()).containsEntry("ShouldDecrementDesiredCapacity", "false"));
    assertThat(aws.group(GROUP).desiredCapacity()).as("it was not counted").isEqualTo(2);
    assertThat(aws.instanceIds(GROUP))
        .as("nothing replaced, nothing scaled in")
        .containsExactlyInAnyOrderElementsOf(
            all.stream().filter(i -> !i.equals(ids.get(0))).toList());
    assertThat(group.desiredCapacityDrifts()).isZero();
  }

  @Test
  void errorsAreMappedLikeEveryOtherCall() throws InterruptedException {
    aws.createGroup(GROUP, 5);
    AwsInstanceGroup group = open("");
    String id = grow(group, 1).get(0);

    proxy.fail("EnterStandby", throttled(), throttled(), throttled());
    assertThatThrownBy(() -> group.suspend(List.of(id)))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("Throttling")
        .hasMessageContaining("retry later");
    assertThat(lifecycle(id)).isEqualTo("InService");

    proxy.fail("EnterStandby", new Reject(403, "AccessDenied"));
    assertThatThrownBy(() -> group.suspend(List.of(id)))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("IAM");

    assertThat(group.suspend(List.of(id))).containsExactly(id);
    Reject noCapacity = new Reject(500, "InsufficientInstanceCapacity");
    proxy.fail("StartInstances", noCapacity, noCapacity, noCapacity);
    assertThatThrownBy(() -> group.resume(List.of(id)))
        .isInstanceOf(ProviderException.Capacity.class)
        .hasMessageContaining("InsufficientInstanceCapacity");
    assertThat(lifecycle(id)).isEqualTo("Standby");
    assertThat(ec2State(id)).isEqualTo(InstanceStateName.STOPPED);

    assertThatThrownBy(() -> group.suspend(List.of("i-0123456789abcdef0")))
        .isInstanceOf(ProviderException.NotFound.class);
  }

  /**
   * A plugin-level cycle over the plugin wire (gRPC's in-process transport, as the daemon runs a
   * built-in plugin): grow, suspend, resume, connect info, delete.
   */
  @Test
  void aCycleOverThePluginWire() throws InterruptedException {
    aws.createGroup(GROUP, 5);
    PluginClient client = PluginClient.inProcess(plugin(), "aws-suspend-cycle");
    opened.add(client);
    assertThat(client.init(Settings.defaults(), config("")).capabilities())
        .contains(io.fleetscaler.plugin.api.Capability.SUSPEND_RESUME);
    client.increase(1);
    String id = awaitState(client, InstanceState.RUNNING);

    assertThat(client.suspend(List.of(id))).containsExactly(id);
    assertThat(awaitState(client, InstanceState.SUSPENDED)).isEqualTo(id);
    assertThat(client.resume(List.of(id))).containsExactly(id);
    assertThat(awaitState(client, InstanceState.RUNNING)).isEqualTo(id);

    ConnectInfo info = client.connectInfo(id);
    assertThat(info.id()).isEqualTo(id);
    assertThat(info.internalAddr()).isNotEmpty();
    assertThat(client.decrease(List.of(id))).containsExactly(id);
    for (int i = 0; i < 100 && !client.update().isEmpty(); i++) {
      Thread.sleep(20);
    }
    assertThat(client.update()).isEmpty();
    assertThat(aws.group(GROUP).desiredCapacity()).isZero();
    assertThat(aws.instanceIds(GROUP)).isEmpty();
  }

  private static FaultInjectingProxy.Fault throttled() {
    return FaultInjectingProxy.throttling();
  }

  /** Moto's DescribeInstances answer with every running instance shown as pending instead. */
  private static Rewrite pending() {
    return new Rewrite(
        xml ->
            xml.replace("<code>16</code>", "<code>0</code>")
                .replace("<name>running</name>", "<name>pending</name>"));
  }

  private AwsInstanceGroup plugin() {
    AwsTuning tuning =
        AwsTuning.defaults()
            .withBackoff(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(5), d -> {})
            .withResumeWait(Duration.ofSeconds(RESUME_POLLS), Duration.ofSeconds(1));
    AwsTuning recording =
        new AwsTuning(
            tuning.maxAttempts(),
            tuning.backoffBase(),
            tuning.throttlingBackoffBase(),
            tuning.maxBackoff(),
            tuning.connectTimeout(),
            tuning.attemptTimeout(),
            tuning.callTimeout(),
            sleeps::add,
            tuning.resumeWait(),
            tuning.resumePoll());
    return new AwsInstanceGroup(Clock.systemUTC(), recording);
  }

  private AwsInstanceGroup open(String extraConfig) {
    AwsInstanceGroup group = plugin();
    group.init(Settings.defaults(), config(extraConfig));
    opened.add(group);
    return group;
  }

  private String config(String extra) {
    String config =
        aws.config(GROUP)
            .replace(
                "\"endpoint\":\"" + aws.endpoint() + "\"",
                "\"endpoint\":\"" + proxy.endpoint() + "\"");
    return config.substring(0, config.length() - 1) + extra + "}";
  }

  private static List<String> grow(InstanceGroup group, int n) throws InterruptedException {
    group.increase(n);
    return awaitCount(group, n);
  }

  private static List<String> awaitCount(InstanceGroup group, int n) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      List<InstanceStatus> now = group.update();
      if (now.size() == n) {
        return now.stream().map(InstanceStatus::id).toList();
      }
      Thread.sleep(20);
    }
    throw new AssertionError(n + " instances did not appear");
  }

  private static String awaitState(InstanceGroup group, InstanceState state)
      throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      List<InstanceStatus> now = group.update();
      if (now.size() == 1 && now.get(0).state() == state) {
        return now.get(0).id();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no single " + state.wireName() + " instance: " + group.update());
  }

  private static Map<String, InstanceState> states(List<InstanceStatus> list) {
    return list.stream().collect(Collectors.toMap(InstanceStatus::id, InstanceStatus::state));
  }

  private String lifecycle(String id) {
    return aws.group(GROUP).instances().stream()
        .filter(i -> i.instanceId().equals(id))
        .map(Instance::lifecycleStateAsString)
        .findFirst()
        .orElse("(not in the group)");
  }

  private InstanceStateName ec2State(String id) {
    return aws.ec2()
        .describeInstances(r -> r.instanceIds(id))
        .reservations()
        .get(0)
        .instances()
        .get(0)
        .state()
        .name();
  }
}
