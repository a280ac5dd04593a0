package io.fleetscaler.plugin.statichosts;

import io.fleetscaler.plugin.tck.InstanceGroupConformanceKit;
import java.time.Duration;
import java.util.List;

/**
 * What the static group's conformance runs share: the shared sshd hosts (see {@link SshHosts}) as
 * the pool, and real time. Subclasses say how the group is reached: directly, over the in-process
 * wire, or as a plugin process.
 */
abstract class RealHostsConformanceKit extends InstanceGroupConformanceKit {

  @Override
  protected String validConfig() {
    return StaticConfigs.of(SharedSshHosts.get(), false, "2s");
  }

  @Override
  protected List<String> invalidConfigs() {
    return StaticConfigs.invalid();
  }

  @Override
  protected Duration pollStep() {
    return Duration.ofMillis(50);
  }

  @Override
  protected void letTimePass(Duration duration) throws InterruptedException {
    // Real hosts on the system clock: waiting is the only way to let them move; the kit bounds
    // how many times it waits.
    Thread.sleep(duration.toMillis());
  }
}
