package io.fleetscaler.plugin.gcp;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.tck.InstanceGroupConformanceKit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;

/**
 * The Google Cloud provider on a zonal group, called directly, passes the conformance kit through
 * the real Compute client against the fake, with realistic latencies on a manual clock that the kit
 * advances.
 */
class GcpInstanceGroupConformanceTest extends InstanceGroupConformanceKit {
  // Closed after the kit's own cleanup, which still calls the fake.
  @AutoClose
  private final GcpFixture gcp =
      new GcpFixture(
          new ManualClock(Instant.parse("2026-12-01T12:00:00Z")),
          ComputeModel.Latencies.realistic());

  @BeforeEach
  void createGroup() {
    gcp.zonal(GcpFixture.GROUP);
  }

  @Override
  protected InstanceGroup newGroup() {
    return gcp.newGroup();
  }

  @Override
  protected String validConfig() {
    return gcp.zonalConfig(GcpFixture.GROUP);
  }

  @Override
  protected List<String> invalidConfigs() {
    return invalidConfigs(gcp);
  }

  static List<String> invalidConfigs(GcpFixture gcp) {
    gcp.zonal("autoscaled").autoscaler =
        "https://www.googleapis.com/compute/v1/projects/fleet-project/zones/europe-west1-c/autoscalers/a";
    return List.of(
        "{\"no_such_key\":1}",
        "{}",
        "{\"name\":5,\"project\":\"fleet-project\",\"zone\":\"europe-west1-c\"}",
        "{\"name\":\"runners\",\"project\":\"fleet-project\"}",
        "{\"name\":\"runners\",\"project\":\"fleet-project\",\"zone\":\"europe-west1-c\","
            + "\"region\":\"europe-west1\"}",
        "{\"name\":\"runners\",\"project\":\"fleet-project\",\"zone\":\"the moon\"}",
        "{\"name\":\"runners\",\"project\":\"fleet-project\",\"zone\":\"europe-west1-c\","
            + "\"endpoint\":\"ftp://127.0.0.1\"}",
        "{\"name\":\"runners\",\"project\":\"fleet-project\",\"zone\":\"europe-west1-c\","
            + "\"credentials_file\":\"/no/such/key.json\"}",
        "{\"name\":\"runners\",\"project\":\"fleet-project\",\"zone\":\"europe-west1-c\","
            + "\"suspend_mode\":\"hibernate\"}",
        "[1,2]",
        "{\"name\":",
        gcp.zonalConfig("no-such-group"),
        gcp.zonalConfig("autoscaled"));
  }

  @Override
  protected void letTimePass(Duration duration) {
    gcp.clock.advance(duration);
  }

  @Override
  protected Duration pollStep() {
    return Duration.ofSeconds(5);
  }

  @Override
  protected String unknownInstanceId() {
    return GcpFixture.ZONE + "/runners-zzzz";
  }

  @Override
  protected int largestMaxSizeToFill() {
    // The fake grows a managed instance group to Google's size limit in memory, in a moment.
    return 2 * GcpInstanceGroup.ZONAL_MAX_SIZE;
  }
}
