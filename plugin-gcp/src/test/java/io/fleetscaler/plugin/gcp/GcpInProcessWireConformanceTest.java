package io.fleetscaler.plugin.gcp;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.fleetscaler.plugin.tck.InstanceGroupConformanceKit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;

/**
 * The Google Cloud provider behind {@link PluginClient#inProcess}: every call crosses the plugin
 * wire's conversions and error mapping before it reaches the fake Compute.
 */
class GcpInProcessWireConformanceTest extends InstanceGroupConformanceKit {
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
    return PluginClient.inProcess(gcp.newGroup(), "gcp-in-process");
  }

  @Override
  protected String validConfig() {
    return gcp.zonalConfig(GcpFixture.GROUP);
  }

  @Override
  protected List<String> invalidConfigs() {
    return GcpInstanceGroupConformanceTest.invalidConfigs(gcp);
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
  protected void release(InstanceGroup group) {
    ((PluginClient) group).close();
  }

  @Override
  protected int largestMaxSizeToFill() {
    // The fake grows a managed instance group to Google's size limit in memory, in a moment.
    return 2 * GcpInstanceGroup.ZONAL_MAX_SIZE;
  }
}
