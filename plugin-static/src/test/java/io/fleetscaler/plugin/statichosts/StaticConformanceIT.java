package io.fleetscaler.plugin.statichosts;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.tck.InstanceGroupConformanceKit;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The static group called directly, against real sshd hosts (see {@link SshHosts}). */
class StaticConformanceIT extends InstanceGroupConformanceKit {

  @Override
  protected InstanceGroup newGroup() {
    return new StaticInstanceGroup();
  }

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
    // Real hosts on the system clock: waiting is the only way to let them move.
    Thread.sleep(duration.toMillis());
  }

  @Override
  protected Optional<List<InstanceStatus>> instancesAfterShutdown(InstanceGroup shutDown) {
    // The pool is the group's own state; a shut-down group still answers for it.
    return Optional.of(shutDown.update());
  }
}
