package io.fleetscaler.plugin.gcp;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.tck.InstanceGroupConformanceKit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;

/**
 * The Google Cloud provider on a regional group (instances spread over two zones, the same calls
 * under {@code regionInstanceGroupManagers} and {@code regionOperations}) passes the kit.
 */
class GcpRegionalConformanceTest extends InstanceGroupConformanceKit {
  // Closed after the kit's own cleanup, which still calls the fake.
  @AutoClose
  private final GcpFixture gcp =
      new GcpFixture(
          new ManualClock(Instant.parse("2026-12-01T12:00:00Z")),
          ComputeModel.Latencies.realistic());

  @BeforeEach
  void createGroup() {
    gcp.regional(GcpFixture.GROUP);
  }

  @Override
  protected InstanceGroup newGroup() {
    return gcp.newGroup();
  }

  @Override
  protected String validConfig() {
    return gcp.regionalConfig(GcpFixture.GROUP);
  }

  @Override
  protected List<String> invalidConfigs() {
    return List.of(
        "{\"name\":\"runners\",\"project\":\"fleet-project\",\"region\":\"europe-west1-c\"}",
        gcp.regionalConfig("no-such-group"),
        gcp.zonalConfig(GcpFixture.GROUP));
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
    return "europe-west1-b/runners-zzzz";
  }

  @Override
  protected int largestMaxSizeToFill() {
    // The fake grows a managed instance group to Google's size limit in memory, in a moment.
    return 2 * GcpInstanceGroup.ZONAL_MAX_SIZE;
  }
}
