package io.fleetscaler.plugin.statichosts;

import java.nio.file.Path;

/** The TaskScaler cycle on plain sshd processes whatever the environment offers. */
class StaticTaskScalerCycleOnSshdProcessesIT extends TaskScalerCycleContract {
  @Override
  SshHosts startHosts(Path workDir) {
    return SshHosts.start(3, workDir, "processes");
  }
}
