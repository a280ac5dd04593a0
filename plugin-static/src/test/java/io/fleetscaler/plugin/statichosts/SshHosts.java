package io.fleetscaler.plugin.statichosts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

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

  /**
   * Polls {@code done} until it holds, at most {@code bound} long; a bounded wait for something
   * outside the test's control (a process or container coming up), never a timing assertion.
   */
  static void await(String what, Duration bound, BooleanSupplier done) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up after " + bound + " waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
  }

  /** Starts {@code count} hosts with the backend chosen as the class notes say. */
  static SshHosts start(int count, Path workDir) {
    String choice = System.getProperty("fleetscaler.ssh-hosts");
    if (choice == null) {
      choice = System.getenv().getOrDefault("FLEETSCALER_SSH_HOSTS", "auto");
    }
    Path key = workDir.resolve("id_ed25519");
    generateKey(key);
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

  /** Makes an ed25519 key pair at {@code key} and {@code key}.pub with ssh-keygen. */
  private static void generateKey(Path key) {
    try {
      Files.deleteIfExists(key);
      Files.deleteIfExists(Path.of(key + ".pub"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    run(
        List.of(
            "ssh-keygen",
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "fleetscaler-it",
            "-f",
            key.toString()),
        Duration.ofSeconds(30));
  }

  /** Runs a short command to completion, failing with its output when it does not succeed. */
  static void run(List<String> command, Duration limit) {
    try {
      Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command + " did not finish within " + limit);
      }
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(command + " exited " + p.exitValue() + ": " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }
}
