package io.fleetscaler.plugin.statichosts;

import java.nio.file.Path;

/**
 * The TaskScaler cycle on the hosts {@link SshHosts#start(int, Path)} chooses: containers on Podman
 * in CI, sshd processes where no engine runs.
 */
class StaticTaskScalerCycleIT extends TaskScalerCycleContract {
  @Override
  SshHosts startHosts(Path workDir) {
    return SshHosts.start(3, workDir);
  }
}
