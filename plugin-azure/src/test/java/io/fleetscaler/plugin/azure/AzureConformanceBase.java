package io.fleetscaler.plugin.azure;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.tck.InstanceGroupConformanceKit;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The conformance kit on an {@link AzureInstanceGroup} called directly, against {@link FakeArm}
 * through the real SDK (HTTPS, bearer tokens from the fake token endpoint). The fake moves with
 * requests, so no time has to pass.
 */
abstract class AzureConformanceBase extends InstanceGroupConformanceKit {
  static final String SET = "runners";
  static final AzureTuning FAST =
      AzureTuning.defaults()
          .withPolling(Duration.ofMillis(5), Duration.ofSeconds(20))
          .withRetries(2, Duration.ofMillis(5), Duration.ofSeconds(2));

  // One fake per class: the kit's own @AfterEach (deleting what it created) runs after any of
  // ours, so the fake must outlive each test; it is reset before each one instead.
  @SuppressWarnings("NullAway.Init")
  static FakeArm arm;

  abstract boolean flexible();

  @BeforeAll
  static void startFake() throws Exception {
    arm = new FakeArm();
  }

  @AfterAll
  static void stopFake() {
    arm.close();
  }

  @BeforeEach
  void createScaleSets() {
    arm.reset();
    arm.createScaleSet(SET, flexible());
    arm.createScaleSet("overprovisioned", false);
    arm.scaleSet("overprovisioned").overprovision = null;
    arm.createScaleSet("repaired", flexible());
    arm.scaleSet("repaired").automaticRepairs = true;
    arm.createScaleSet("autoscaled", flexible());
    arm.addAutoscaleSetting("cpu", arm.scaleSet("autoscaled").id(), true);
  }

  @Override
  protected InstanceGroup newGroup() {
    return new AzureInstanceGroup(Clock.systemUTC(), FAST);
  }

  @Override
  protected String validConfig() {
    return arm.config(SET);
  }

  @Override
  protected List<String> invalidConfigs() {
    return invalidConfigs(arm);
  }

  static List<String> invalidConfigs(FakeArm arm) {
    String good = arm.config(SET);
    return List.of(
        "{\"no_such_key\":1}",
        "{}",
        good.replace("\"name\":\"" + SET + "\",", ""),
        good.replace("\"subscription_id\"", "\"subscription\""),
        good.replace(FakeArm.SUBSCRIPTION, "not-a-guid"),
        good.replace("\"resource_group_name\":\"ci\",", ""),
        good.replace("\"tenant_id\":\"" + FakeArm.TENANT + "\",", ""),
        good.replace("\"endpoint\":\"https://", "\"endpoint\":\"http://"),
        "[1,2]",
        "{\"name\":",
        arm.config("no-such-set"),
        arm.config("overprovisioned"),
        arm.config("repaired"),
        arm.config("autoscaled"),
        good.replace(FakeArm.CLIENT_SECRET, "wrong-secret"));
  }

  @Override
  protected void letTimePass(Duration duration) {
    // The fake moves with requests: nothing to wait for.
  }

  @Override
  protected Duration pollStep() {
    return Duration.ofMillis(1);
  }

  @Override
  protected int maxPolls() {
    return 50;
  }

  @Override
  protected int largestMaxSizeToFill() {
    // The fake grows a scale set to its size limit in memory, in a moment.
    return AzureInstanceGroup.MAX_SIZE;
  }

  @Override
  protected String unknownInstanceId() {
    return flexible() ? "runners_ffffffff" : "999";
  }
}
