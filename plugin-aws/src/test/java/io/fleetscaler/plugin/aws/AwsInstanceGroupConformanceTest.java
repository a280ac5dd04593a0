package io.fleetscaler.plugin.aws;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.tck.InstanceGroupConformanceKit;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The AWS provider, called directly, passes the conformance kit against moto through the real SDK
 * clients. Moto brings instances to {@code InService} at once, so polls are short.
 */
@ExtendWith(MotoExtension.class)
class AwsInstanceGroupConformanceTest extends InstanceGroupConformanceKit {
  static final String GROUP = "runners";

  private final AsgFixture aws;

  AwsInstanceGroupConformanceTest(MotoServer moto) {
    this.aws = new AsgFixture(moto.endpoint());
  }

  @BeforeEach
  void createGroup() {
    aws.createGroup(GROUP, 5);
  }

  @AfterEach
  void closeFixture() {
    aws.close();
  }

  @Override
  protected InstanceGroup newGroup() {
    return new AwsInstanceGroup();
  }

  @Override
  protected String validConfig() {
    return aws.config(GROUP);
  }

  @Override
  protected List<String> invalidConfigs() {
    return invalidConfigs(aws);
  }

  static List<String> invalidConfigs(AsgFixture aws) {
    return List.of(
        "{\"no_such_key\":1}",
        "{}",
        "{\"name\":5}",
        "{\"name\":\"\"}",
        "{\"name\":\"runners\",\"region\":\"the moon\"}",
        "{\"name\":\"runners\",\"endpoint\":\"ftp://127.0.0.1\"}",
        "{\"name\":\"runners\",\"config_file\":\"/no/such/aws/config\"}",
        "{\"name\":\"runners\",\"suspend_mode\":\"suspend\"}",
        "[1,2]",
        "{\"name\":",
        aws.config("no-such-group"));
  }

  @Override
  protected void letTimePass(Duration duration) throws InterruptedException {
    // Moto runs on its own clock; waiting is the only way to let it move (it rarely needs to).
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
}
