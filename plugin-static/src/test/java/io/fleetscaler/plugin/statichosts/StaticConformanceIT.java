package io.fleetscaler.plugin.statichosts;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import java.util.List;
import java.util.Optional;

/** The static group called directly, against real sshd hosts (see {@link SshHosts}). */
class StaticConformanceIT extends RealHostsConformanceKit {

  @Override
  protected InstanceGroup newGroup() {
    return new StaticInstanceGroup();
  }

  @Override
  protected Optional<List<InstanceStatus>> instancesAfterShutdown(InstanceGroup shutDown) {
    // The pool is the group's own state; a shut-down group still answers for it.
    return Optional.of(shutDown.update());
  }
}
