package io.fleetscaler.plugin.statichosts;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.fleetscaler.core.connector.SshdProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * Hosts as containers of the locally built sshd image ({@code .ci/podman.sh image}), started
 * through Testcontainers, each published on its own loopback address (127.0.0.2, 127.0.0.3, ...)
 * and never reached through the engine's bridge network. The test's public key is copied in as
 * root's {@code authorized_keys} before each container starts; no key is baked into the image.
 * Killing and reviving go through the engine's kill and start, which keep the port binding.
 */
final class ContainerSshHosts implements SshHosts {
  private static final String IMAGE =
      System.getenv().getOrDefault("FLEETSCALER_SSHD_IMAGE", "localhost/fleetscaler-sshd:1");
  private static final Duration START_BOUND = Duration.ofSeconds(60);

  private final List<GenericContainer<?>> containers;
  private final List<Host> hosts;
  private final Path key;
  private final boolean[] killed;

  private ContainerSshHosts(List<GenericContainer<?>> containers, List<Host> hosts, Path key) {
    this.containers = containers;
    this.hosts = List.copyOf(hosts);
    this.key = key;
    this.killed = new boolean[containers.size()];
  }

  /** Whether a Docker-compatible engine answers and holds the sshd image. */
  static boolean usable() {
    try {
      if (!DockerClientFactory.instance().isDockerAvailable()) {
        System.err.println("no sshd containers: no Docker-compatible engine answers");
        return false;
      }
      DockerClientFactory.instance().client().inspectImageCmd(IMAGE).exec();
      return true;
    } catch (RuntimeException e) {
      // Said on stderr so that a run that fell back to sshd processes shows why.
      System.err.println("no sshd containers: " + e);
      return false;
    }
  }

  static ContainerSshHosts start(int count, Path key) {
    List<GenericContainer<?>> containers = new ArrayList<>();
    List<Host> hosts = new ArrayList<>();
    // Stops whatever started if a later container fails; its host list is not needed for that.
    ContainerSshHosts cleanup = new ContainerSshHosts(containers, List.of(), key);
    try {
      byte[] authorized = Files.readAllBytes(Path.of(key + ".pub"));
      for (int i = 0; i < count; i++) {
        String address = "127.0.0." + (2 + i);
        int port = freePort(address);
        GenericContainer<?> c =
            new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withCopyToContainer(
                    Transferable.of(authorized, 0600), "/root/.ssh/authorized_keys")
                .withCreateContainerCmdModifier(
                    cmd -> {
                      ExposedPort ssh = ExposedPort.tcp(22);
                      cmd.withExposedPorts(ssh);
                      var hostConfig = cmd.getHostConfig();
                      if (hostConfig == null) {
                        throw new IllegalStateException("no host config to publish port 22 on");
                      }
                      hostConfig
                          .withPublishAllPorts(false)
                          .withPortBindings(
                              new PortBinding(Ports.Binding.bindIpAndPort(address, port), ssh));
                    })
                .waitingFor(Wait.forLogMessage(".*Server listening on.*", 1))
                .withStartupTimeout(START_BOUND);
        containers.add(c);
        c.start();
        Host host = new Host("ssh-" + (char) ('a' + i), address, port);
        hosts.add(host);
        SshdProcess.await(
            host.name() + " at " + host.hostPort() + " to answer",
            START_BOUND,
            () -> SshHosts.answers(host));
      }
    } catch (IOException e) {
      cleanup.close();
      throw new UncheckedIOException("cannot read the test's public key", e);
    } catch (RuntimeException e) {
      cleanup.close();
      throw e;
    }
    return new ContainerSshHosts(containers, hosts, key);
  }

  private static int freePort(String address) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return s.getLocalPort();
    }
  }

  @Override
  public String kind() {
    return "containers of " + IMAGE;
  }

  @Override
  public List<Host> hosts() {
    return hosts;
  }

  @Override
  public String username() {
    return "root";
  }

  @Override
  public Path privateKey() {
    return key;
  }

  @Override
  public synchronized void kill(int index) {
    if (killed[index]) {
      return;
    }
    killed[index] = true;
    GenericContainer<?> c = containers.get(index);
    DockerClient docker = DockerClientFactory.instance().client();
    docker.killContainerCmd(c.getContainerId()).exec();
    Host host = hosts.get(index);
    SshdProcess.await(
        host.name() + " to stop answering", START_BOUND, () -> !SshHosts.answers(host));
  }

  @Override
  public synchronized void revive(int index) {
    if (!killed[index]) {
      return;
    }
    killed[index] = false;
    GenericContainer<?> c = containers.get(index);
    DockerClientFactory.instance().client().startContainerCmd(c.getContainerId()).exec();
    Host host = hosts.get(index);
    SshdProcess.await(host.name() + " to answer again", START_BOUND, () -> SshHosts.answers(host));
  }

  @Override
  public void close() {
    for (GenericContainer<?> c : containers) {
      try {
        c.stop();
      } catch (RuntimeException e) {
        // Best effort: stop the others too.
      }
    }
  }
}
