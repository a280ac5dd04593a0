package io.fleetscaler.core.connector;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A real OpenSSH {@code /usr/sbin/sshd} for integration tests: a plain process on 127.0.0.1 and a
 * free port, with its own configuration, generated host key and {@code authorized_keys} under a
 * directory of the test's, running as the test's user (as root it also needs {@code /run/sshd},
 * made here when missing). It can be killed and started again at the same port with the same host
 * key, like a host that goes away and comes back. Shared with plugin-static's tests through core's
 * test jar.
 */
public final class SshdProcess implements AutoCloseable {
  private static final Path SSHD = Path.of("/usr/sbin/sshd");
  private static final Duration START_BOUND = Duration.ofSeconds(20);

  private final Path dir;
  private final Path config;
  private final int port;
  private @Nullable Process process;

  private SshdProcess(Path dir, Path config, int port) {
    this.dir = dir;
    this.config = config;
    this.port = port;
  }

  /**
   * Prepares {@code dir} (host key, configuration) and starts sshd accepting the key pair whose
   * public half is {@code publicKey}; returns once it greets.
   *
   * @throws IllegalStateException naming what is missing when sshd cannot run here
   */
  public static SshdProcess start(Path dir, Path publicKey) {
    if (!Files.isExecutable(SSHD)) {
      throw new IllegalStateException(
          "no " + SSHD + ": install openssh-server (.ci/podman.sh setup does) to run these tests");
    }
    try {
      if ("root".equals(System.getProperty("user.name"))) {
        Files.createDirectories(Path.of("/run/sshd"));
      }
      Files.createDirectories(dir);
      Path hostKey = dir.resolve("host_ed25519");
      generateKey(hostKey);
      Path authorized = dir.resolve("authorized_keys");
      Files.copy(publicKey, authorized, StandardCopyOption.REPLACE_EXISTING);
      int port = freePort();
      Path config = dir.resolve("sshd_config");
      Files.writeString(
          config,
          String.join(
              "\n",
              "Port " + port,
              "ListenAddress 127.0.0.1",
              "HostKey " + hostKey,
              "PidFile " + dir.resolve("sshd.pid"),
              "AuthorizedKeysFile " + authorized,
              // The files live under a temporary directory whose modes sshd would reject.
              "StrictModes no",
              "UsePAM no",
              "PasswordAuthentication no",
              "KbdInteractiveAuthentication no",
              "PermitRootLogin prohibit-password",
              "UseDNS no",
              ""));
      SshdProcess sshd = new SshdProcess(dir, config, port);
      sshd.revive();
      return sshd;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare sshd in " + dir, e);
    }
  }

  /** The address to dial. */
  public String address() {
    return "127.0.0.1";
  }

  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:port}. */
  public String hostPort() {
    return address() + ":" + port;
  }

  /** The login user the key is authorised for: the test's own. */
  public static String username() {
    return System.getProperty("user.name");
  }

  /** Kills sshd at once: connections are refused from now on. Idempotent. */
  public synchronized void kill() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /** Starts sshd again at the same port and host key; returns once it greets. Idempotent. */
  public synchronized void revive() {
    if (process != null) {
      return;
    }
    Path log = dir.resolve("sshd.log");
    try {
      Process p =
          new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      process = p;
      await(
          "sshd at " + hostPort() + " to greet",
          START_BOUND,
          () -> {
            if (!p.isAlive()) {
              throw new IllegalStateException(
                  "sshd at " + hostPort() + " exited " + p.exitValue() + "; see " + log);
            }
            return greets(address(), port);
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start sshd in " + dir, e);
    }
  }

  /**
   * Gives the host a new host key, as a different machine at the same address would have; takes
   * effect at the next {@link #revive}.
   */
  public synchronized void replaceHostKey() {
    generateKey(dir.resolve("host_ed25519"));
  }

  /** Replaces the authorised public key, as a credential rotation on the host would. */
  public void authorize(Path publicKey) {
    try {
      Files.copy(publicKey, dir.resolve("authorized_keys"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    kill();
  }

  /** Whether something at the address accepts a connection and sends an SSH identification line. */
  public static boolean greets(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
      s.setSoTimeout(2000);
      InputStream in = s.getInputStream();
      byte[] start = in.readNBytes(4);
      return new String(start, StandardCharsets.US_ASCII).equals("SSH-");
    } catch (IOException e) {
      return false;
    }
  }

  /** Makes an ed25519 key pair without passphrase at {@code key} and {@code key}.pub. */
  public static void generateKey(Path key) {
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
  public static void run(List<String> command, Duration limit) {
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

  /**
   * Polls {@code done} until it holds, at most {@code bound} long: a bounded wait for a process
   * outside the test's control, never a timing assertion.
   */
  public static void await(String what, Duration bound, BooleanSupplier done) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
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

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
