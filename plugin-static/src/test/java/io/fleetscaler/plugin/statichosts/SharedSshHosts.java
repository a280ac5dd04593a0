package io.fleetscaler.plugin.statichosts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * One set of hosts for the conformance runs of a test JVM, started on first use and stopped when
 * the JVM exits, so that three conformance classes do not each pay for starting hosts. Tests that
 * kill hosts start their own instead.
 */
final class SharedSshHosts {
  /** The kit needs room for three instances; one more exercises filling past it. */
  static final int COUNT = 4;

  private static @Nullable SshHosts hosts;

  private SharedSshHosts() {}

  static synchronized SshHosts get() {
    SshHosts started = hosts;
    if (started == null) {
      started = SshHosts.start(COUNT, newWorkDir("fleetscaler-shared-ssh-"));
      SshHosts stopping = started;
      Runtime.getRuntime().addShutdownHook(new Thread(stopping::close, "stop-shared-ssh-hosts"));
      hosts = started;
    }
    return started;
  }

  /**
   * A fresh directory for one set of hosts' keys and configuration, under the module's {@code
   * target} (the test's working directory), so that the run's throwaway keys go with {@code mvn
   * clean} rather than pile up in /tmp.
   */
  static Path newWorkDir(String prefix) {
    try {
      Path parent = Files.createDirectories(Path.of("target", "ssh-hosts").toAbsolutePath());
      return Files.createTempDirectory(parent, prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
