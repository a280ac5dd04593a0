package io.fleetscaler.plugin.statichosts;

import java.nio.file.Path;

/**
 * The lifecycle tests on the hosts {@link SshHosts#start(int, Path)} chooses: containers on Podman
 * in CI, sshd processes where no engine runs.
 */
class StaticHostsLifecycleIT extends HostsLifecycleContract {
  @Override
  SshHosts startHosts(Path workDir) {
    return SshHosts.start(3, workDir);
  }
}
