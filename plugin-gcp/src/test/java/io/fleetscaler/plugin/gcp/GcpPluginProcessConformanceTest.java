package io.fleetscaler.plugin.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.fleetscaler.plugin.sdk.PluginLaunchSpec;
import io.fleetscaler.plugin.sdk.PluginProcess;
import io.fleetscaler.plugin.tck.InstanceGroupConformanceKit;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Google Cloud provider as a real plugin process ({@link GcpPluginMain} in a fresh JVM),
 * launched, handshaken and supervised by {@link PluginProcess}, against the fake on the system
 * clock with zero latencies. Credentials take the production path: a service-account key in {@code
 * credentials_file}, exchanged for an access token at the fake's token endpoint, and the fake
 * refuses any Compute call without that token.
 */
class GcpPluginProcessConformanceTest extends InstanceGroupConformanceKit {
  // Closed after the kit's own cleanup, which still calls the fake.
  @AutoClose private final FakeCompute compute = GcpFixture.onSystemClock();
  private Path key = Path.of("unset");

  @BeforeEach
  void createGroup(@TempDir Path dir) throws IOException {
    compute
        .model()
        .addGroup(
            GcpFixture.PROJECT, false, GcpFixture.ZONE, GcpFixture.GROUP, List.of(GcpFixture.ZONE));
    compute.requireAuth();
    key = GcpFixture.serviceAccountKey(dir, compute);
  }

  @AfterEach
  void theTokenEndpointWasUsed() {
    assertThat(compute.tokensIssued()).as("the plugin exchanged its key for a token").isPositive();
  }

  @Override
  protected InstanceGroup newGroup() {
    return PluginProcess.launch(
        PluginLaunchSpec.javaMain(
            GcpPluginMain.PLUGIN_NAME, GcpPluginMain.class, List.of("-XX:TieredStopAtLevel=1")));
  }

  @Override
  protected String validConfig() {
    return "{\"name\":\""
        + GcpFixture.GROUP
        + "\",\"project\":\""
        + GcpFixture.PROJECT
        + "\",\"zone\":\""
        + GcpFixture.ZONE
        + "\",\"credentials_file\":\""
        + key
        + "\",\"endpoint\":\""
        + compute.endpoint()
        + "\"}";
  }

  @Override
  protected List<String> invalidConfigs() {
    return List.of(
        "{\"no_such_key\":1}",
        "{\"name\":5}",
        "[1,2]",
        validConfig().replace(GcpFixture.GROUP, "no-such-group"));
  }

  @Override
  protected void letTimePass(Duration duration) throws InterruptedException {
    // The plugin process and the fake run on the system clock; waiting is the only way.
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
