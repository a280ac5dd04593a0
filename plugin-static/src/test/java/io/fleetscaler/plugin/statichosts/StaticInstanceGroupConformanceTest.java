package io.fleetscaler.plugin.statichosts;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.tck.InstanceGroupConformanceKit;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The conformance kit against the group with every host answering a scripted probe: the pool logic
 * alone, fast and without hosts. The same kit runs against real sshd hosts in {@code
 * StaticConformanceIT} and its wire and subprocess siblings.
 */
class StaticInstanceGroupConformanceTest extends InstanceGroupConformanceKit {

  @Override
  protected InstanceGroup newGroup() {
    ScriptedProbe probe = new ScriptedProbe();
    return new StaticInstanceGroup(timeout -> probe);
  }

  @Override
  protected String validConfig() {
    return """
        {"instances": {
           "h1": {"external_addr": "192.0.2.1:22"}, "h2": {"external_addr": "192.0.2.2:22"},
           "h3": {"external_addr": "192.0.2.3:22"}, "h4": {"external_addr": "192.0.2.4:22"},
           "h5": {"external_addr": "192.0.2.5:22"}}}
        """;
  }

  @Override
  protected List<String> invalidConfigs() {
    return StaticConfigs.invalid();
  }

  @Override
  protected void letTimePass(Duration duration) {
    // Nothing moves on its own: increase and decrease take effect at once.
  }

  @Override
  protected Optional<List<InstanceStatus>> instancesAfterShutdown(InstanceGroup shutDown) {
    return Optional.of(shutDown.update());
  }
}
