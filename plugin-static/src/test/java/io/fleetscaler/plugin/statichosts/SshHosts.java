package io.fleetscaler.plugin.statichosts;

import io.fleetscaler.core.connector.SshdProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Real hosts running OpenSSH for integration tests, each reachable at its own loopback address or
 * port, all accepting one key pair made for the test run. Two backends: containers on Podman
 * through Testcontainers ({@link ContainerSshHosts}) where a Docker-compatible engine answers and
 * the sshd image exists, otherwise plain {@code sshd} processes ({@link ProcessSshHosts}). Never a
 * skip: when neither can run, {@link #start} fails and says why.
 *
 * <p>The backend is chosen by the system property or environment variable {@code
 * fleetscaler.ssh-hosts} / {@code FLEETSCALER_SSH_HOSTS}: {@code containers}, {@code processes} or
 * {@code auto} (the default).
 */
interface SshHosts extends AutoCloseable {

  /** One host: where to dial it. */
  record Host(String name, String address, int port) {
    String hostPort() {
      return address + ":" + port;
    }
  }

  /** Which backend this is, for test names and reports. */
  String kind();

  /** The hosts, in start order. */
  List<Host> hosts();

  /** The login user the key is authorised for. */
  String username();

  /** The private key file (OpenSSH format, no passphrase). */
  Path privateKey();

  /** Kills the host's sshd: it stops answering at once. */
  void kill(int index);

  /** Starts a killed host again at the same address, and returns once it accepts connections. */
  void revive(int index);

  @Override
  void close();

  /** Whether {@code host} accepts a TCP connection and greets with an SSH identification line. */
  static boolean answers(Host host) {
    return new SshBannerProbe(Duration.ofSeconds(2))
        .failure(host.address(), host.port(), true)
        .isEmpty();
  }

  /** Starts {@code count} hosts with the backend chosen as the class notes say. */
  static SshHosts start(int count, Path workDir) {
    String choice = System.getProperty("fleetscaler.ssh-hosts");
    if (choice == null) {
      choice = System.getenv().getOrDefault("FLEETSCALER_SSH_HOSTS", "auto");
    }
    return start(count, workDir, choice);
  }

  /** Starts {@code count} hosts with the named backend: containers, processes or auto. */
  static SshHosts start(int count, Path workDir, String choice) {
    Path key = workDir.resolve("id_ed25519");
    SshdProcess.generateKey(key);
    return switch (choice.toLowerCase(Locale.ROOT)) {
      case "containers" -> ContainerSshHosts.start(count, key);
      case "processes" -> ProcessSshHosts.start(count, key, workDir);
      case "auto" ->
          ContainerSshHosts.usable()
              ? ContainerSshHosts.start(count, key)
              : ProcessSshHosts.start(count, key, workDir);
      default ->
          throw new IllegalArgumentException(
              "fleetscaler.ssh-hosts must be containers, processes or auto, was " + choice);
    };
  }
}
