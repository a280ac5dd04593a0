package io.fleetscaler.plugin.azure;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.sdk.PluginClient;
import io.fleetscaler.plugin.sdk.PluginLaunchSpec;
import io.fleetscaler.plugin.sdk.PluginProcess;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;

/**
 * The Azure provider as a real plugin process ({@link AzurePluginMain} in a fresh JVM), launched,
 * handshaken and supervised by {@link PluginProcess}, against {@link FakeArm} on a Flexible scale
 * set. The process trusts the fake's certificate through the JVM's standard trust store properties,
 * as an operator with a private CA would configure it.
 */
class AzurePluginProcessConformanceTest extends AzureConformanceBase {

  @Override
  boolean flexible() {
    return true;
  }

  /**
   * The process runs on production polling settings (a poll every 5 s unless Azure says sooner):
   * the fake completes operations on their first poll and asks for it after 1 s.
   */
  @BeforeEach
  void pollSooner() {
    arm.operationPolls = 0;
    arm.operationRetryAfter = 1;
  }

  @Override
  protected InstanceGroup newGroup() {
    String trustStore =
        Objects.requireNonNull(
            System.getProperty("javax.net.ssl.trustStore"), "javax.net.ssl.trustStore");
    return PluginProcess.launch(
        PluginLaunchSpec.javaMain(
            AzurePluginMain.PLUGIN_NAME,
            AzurePluginMain.class,
            List.of(
                "-XX:TieredStopAtLevel=1",
                "-Djavax.net.ssl.trustStore=" + trustStore,
                "-Djavax.net.ssl.trustStorePassword=changeit",
                "-Djavax.net.ssl.trustStoreType=PKCS12")));
  }

  @Override
  protected List<String> invalidConfigs() {
    return List.of(
        "{\"no_such_key\":1}", "{}", "[1,2]", arm.config("no-such-set"), arm.config("autoscaled"));
  }

  @Override
  protected void release(InstanceGroup group) {
    ((PluginClient) group).close();
  }
}
