package io.fleetscaler.plugin.statichosts;

import java.nio.file.Path;

/**
 * The lifecycle tests on plain sshd processes whatever the environment offers, so that the fallback
 * for machines without a container engine keeps working where containers are the norm.
 */
class StaticHostsOnSshdProcessesIT extends HostsLifecycleContract {
  @Override
  SshHosts startHosts(Path workDir) {
    return SshHosts.start(3, workDir, "processes");
  }
}
