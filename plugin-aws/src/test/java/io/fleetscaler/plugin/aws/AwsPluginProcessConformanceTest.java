package io.fleetscaler.plugin.aws;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.fleetscaler.plugin.sdk.PluginLaunchSpec;
import io.fleetscaler.plugin.sdk.PluginProcess;
import io.fleetscaler.plugin.tck.InstanceGroupConformanceKit;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The AWS provider as a real plugin process ({@link AwsPluginMain} in a fresh JVM), launched,
 * handshaken and supervised by {@link PluginProcess}, against moto. Credentials and region come
 * from the process environment, as they would for an operator using the SDK's default chain; only
 * the group's name and the endpoint are in {@code plugin_config}.
 */
@ExtendWith(MotoExtension.class)
class AwsPluginProcessConformanceTest extends InstanceGroupConformanceKit {
  private final URI endpoint;
  private final AsgFixture aws;

  AwsPluginProcessConformanceTest(MotoServer moto) {
    this.endpoint = moto.endpoint();
    this.aws = new AsgFixture(moto.endpoint());
  }

  @BeforeEach
  void createGroup() {
    aws.createGroup(AwsInstanceGroupConformanceTest.GROUP, 5);
  }

  @AfterEach
  void closeFixture() {
    aws.close();
  }

  @Override
  protected InstanceGroup newGroup() {
    return PluginProcess.launch(
        PluginLaunchSpec.javaMain(
                AwsPluginMain.PLUGIN_NAME, AwsPluginMain.class, List.of("-XX:TieredStopAtLevel=1"))
            .withEnvironment(
                Map.of(
                    "AWS_ACCESS_KEY_ID", "test",
                    "AWS_SECRET_ACCESS_KEY", "test",
                    "AWS_REGION", AsgFixture.REGION,
                    // Nothing here runs on EC2: never wait for the instance metadata service.
                    "AWS_EC2_METADATA_DISABLED", "true")));
  }

  @Override
  protected String validConfig() {
    return "{\"name\":\""
        + AwsInstanceGroupConformanceTest.GROUP
        + "\",\"endpoint\":\""
        + endpoint
        + "\"}";
  }

  @Override
  protected List<String> invalidConfigs() {
    return List.of(
        "{\"no_such_key\":1}",
        "{\"name\":5}",
        "[1,2]",
        "{\"name\":\"no-such-group\",\"endpoint\":\"" + endpoint + "\"}");
  }

  @Override
  protected void letTimePass(Duration duration) throws InterruptedException {
    // Moto and the plugin process run on their own clocks; waiting is the only way to let them
    // move.
    Thread.sleep(duration.toMillis());
  }

  @Override
  protected Duration pollStep() {
    return Duration.ofMillis(50);
  }

  @Override
  protected int maxPolls() {
    return 200;
  }

  @Override
  protected String unknownInstanceId() {
    return "i-0123456789abcdef0";
  }

  @Override
  protected void release(InstanceGroup group) {
    ((PluginClient) group).close();
  }
}
