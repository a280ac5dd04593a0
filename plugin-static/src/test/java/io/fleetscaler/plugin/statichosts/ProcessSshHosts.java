package io.fleetscaler.plugin.statichosts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Hosts as plain {@code /usr/sbin/sshd} processes on 127.0.0.1, one port each, each with its own
 * generated host key and configuration under the test's work directory. The fallback where no
 * container engine runs. As root, sshd also needs its privilege-separation directory {@code
 * /run/sshd}, made here when missing.
 */
final class ProcessSshHosts implements SshHosts {
  private static final Path SSHD = Path.of("/usr/sbin/sshd");
  private static final Duration START_BOUND = Duration.ofSeconds(20);

  private final List<Host> hosts;
  private final List<Path> configs;
  private final List<@Nullable Process> processes;
  private final Path key;

  private ProcessSshHosts(List<Host> hosts, List<Path> configs, Path key) {
    this.hosts = List.copyOf(hosts);
    this.configs = List.copyOf(configs);
    this.processes = new ArrayList<>();
    hosts.forEach(h -> processes.add(null));
    this.key = key;
  }

  static ProcessSshHosts start(int count, Path key, Path workDir) {
    if (!Files.isExecutable(SSHD)) {
      throw new IllegalStateException(
          "no container engine and no "
              + SSHD
              + ": install openssh-server (or run .ci/podman.sh setup) to run these tests");
    }
    try {
      if ("root".equals(System.getProperty("user.name"))) {
        Files.createDirectories(Path.of("/run/sshd"));
      }
      List<Host> hosts = new ArrayList<>();
      List<Path> configs = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Path dir = Files.createDirectories(workDir.resolve("sshd-" + i));
        Path hostKey = dir.resolve("host_ed25519");
        Files.deleteIfExists(hostKey);
        Files.deleteIfExists(Path.of(hostKey + ".pub"));
        SshHosts.run(
            List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString()),
            Duration.ofSeconds(30));
        Path authorized = dir.resolve("authorized_keys");
        Files.copy(Path.of(key + ".pub"), authorized, StandardCopyOption.REPLACE_EXISTING);
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
        hosts.add(new Host("sshd-" + i, "127.0.0.1", port));
        configs.add(config);
      }
      ProcessSshHosts started = new ProcessSshHosts(hosts, configs, key);
      try {
        for (int i = 0; i < count; i++) {
          started.revive(i);
        }
      } catch (RuntimeException e) {
        started.close();
        throw e;
      }
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare sshd processes", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public String kind() {
    return "sshd processes";
  }

  @Override
  public List<Host> hosts() {
    return hosts;
  }

  @Override
  public String username() {
    return System.getProperty("user.name");
  }

  @Override
  public Path privateKey() {
    return key;
  }

  @Override
  public synchronized void kill(int index) {
    Process p = processes.get(index);
    if (p != null) {
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      processes.set(index, null);
    }
  }

  @Override
  public synchronized void revive(int index) {
    if (processes.get(index) != null) {
      return;
    }
    Host host = hosts.get(index);
    try {
      Process p =
          new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", configs.get(index).toString())
              .redirectErrorStream(true)
              .redirectOutput(configs.get(index).resolveSibling("sshd.log").toFile())
              .start();
      processes.set(index, p);
      SshHosts.await(
          host.name() + " at " + host.hostPort() + " to answer",
          START_BOUND,
          () -> {
            if (!p.isAlive()) {
              throw new IllegalStateException(
                  "sshd for "
                      + host.name()
                      + " exited "
                      + p.exitValue()
                      + "; see "
                      + configs.get(index).resolveSibling("sshd.log"));
            }
            return SshHosts.answers(host);
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start sshd for " + host.name(), e);
    }
  }

  @Override
  public synchronized void close() {
    for (int i = 0; i < processes.size(); i++) {
      kill(i);
    }
  }
}
