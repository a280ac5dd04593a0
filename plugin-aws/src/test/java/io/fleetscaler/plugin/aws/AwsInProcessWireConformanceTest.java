package io.fleetscaler.plugin.aws;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.fleetscaler.plugin.tck.InstanceGroupConformanceKit;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The AWS provider behind {@link PluginClient#inProcess}: every call crosses the plugin wire's
 * conversions and error mapping (gRPC's in-process transport) before it reaches moto.
 */
@ExtendWith(MotoExtension.class)
class AwsInProcessWireConformanceTest extends InstanceGroupConformanceKit {
  private final AsgFixture aws;

  AwsInProcessWireConformanceTest(MotoServer moto) {
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
    return PluginClient.inProcess(new AwsInstanceGroup(), "aws-in-process");
  }

  @Override
  protected String validConfig() {
    return aws.config(AwsInstanceGroupConformanceTest.GROUP);
  }

  @Override
  protected List<String> invalidConfigs() {
    return AwsInstanceGroupConformanceTest.invalidConfigs(aws);
  }

  @Override
  protected void letTimePass(Duration duration) throws InterruptedException {
    Thread.sleep(duration.toMillis());
  }

  @Override
  protected Duration pollStep() {
    return Duration.ofMillis(50);
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
