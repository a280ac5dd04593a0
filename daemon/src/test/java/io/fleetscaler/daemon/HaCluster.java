package io.fleetscaler.daemon;

import io.fleetscaler.daemon.ha.FileCloudPlugin;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Daemons of one high-availability set as subprocesses of a test, on one etcd, calling one cloud in
 * a file ({@link FileCloudPlugin}) that outlives them. Each node has its own gRPC and HTTP port;
 * {@link #restart} starts a killed node again with the same configuration.
 */
final class HaCluster implements AutoCloseable {
  static final Duration BOUND = Duration.ofSeconds(60);

  /** One node: its configuration and the process running it now. */
  static final class Node {
    final String name;
    final int grpcPort;
    final Path config;
    DaemonProcess process;

    Node(String name, int grpcPort, Path config, DaemonProcess process) {
      this.name = name;
      this.grpcPort = grpcPort;
      this.config = config;
      this.process = process;
    }

    String api() {
      return "127.0.0.1:" + grpcPort;
    }

    long pid() {
      return process.process.pid();
    }

    /** Whether this node leads and serves: its {@code /readyz} answers 200. */
    boolean serving() {
      if (!process.process.isAlive()) {
        return false;
      }
      try {
        return process.get("/readyz").statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    }
  }

  final Path dir;
  final Path cloud;
  final String prefix = "/fleetscaler-it/" + UUID.randomUUID();
  final List<Node> nodes = new ArrayList<>();
  private final Path plugin;
  private final Duration ttl;

  HaCluster(Path dir, Duration ttl) throws IOException {
    this.dir = dir;
    this.ttl = ttl;
    this.cloud = dir.resolve("cloud");
    this.plugin = dir.resolve("file-cloud-plugin");
    String java = ProcessHandle.current().info().command().orElseThrow();
    Files.writeString(
        plugin,
        "#!/bin/sh\nexec '"
            + java
            + "' -Xmx64m -XX:TieredStopAtLevel=1 --enable-native-access=ALL-UNNAMED"
            + " --sun-misc-unsafe-memory-access=allow -cp '"
            + System.getProperty("java.class.path")
            + "' "
            + FileCloudPlugin.class.getName()
            + " '"
            + cloud
            + "'\n");
    Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwx------"));
  }

  /** Starts a node named {@code name} whose etcd is {@code etcd} (the real one or a proxy). */
  Node start(String name, URI etcd) throws IOException {
    int grpc = DaemonProcess.freePort();
    Path config = dir.resolve(name + ".toml");
    Files.writeString(
        config,
        """
        [daemon]
        grpc_listen = "127.0.0.1:%d"

        [daemon.ha]
        etcd_endpoints = ["%s"]
        lease_ttl = "%ds"
        key_prefix = "%s"
        node_name = "%s"
        advertise_api = "127.0.0.1:%d"

        [[group]]
        name = "ha"
        plugin = "%s"
        capacity_per_instance = 2
        max_instances = 8
        update_interval = "1s"
        update_interval_when_expecting = "1s"
        instance_acquire_timeout = "20s"

        [[group.policy]]
        idle_count = 2
        idle_time = "3s"
        """
            .formatted(grpc, etcd, ttl.toSeconds(), prefix, name, grpc, plugin));
    Node n = new Node(name, grpc, config, launch(config));
    nodes.add(n);
    return n;
  }

  /**
   * Starts a node of a sharded set: one group per entry of {@code shards} (group name to its shard
   * key), each with its own cloud file {@code cloud-<group>} and group id, so that the groups share
   * nothing but etcd.
   */
  Node startSharded(String name, URI etcd, Map<String, String> shards) throws IOException {
    int grpc = DaemonProcess.freePort();
    Path config = dir.resolve(name + ".toml");
    StringBuilder toml =
        new StringBuilder(
            """
            [daemon]
            grpc_listen = "127.0.0.1:%d"

            [daemon.ha]
            etcd_endpoints = ["%s"]
            lease_ttl = "%ds"
            key_prefix = "%s"
            node_name = "%s"
            advertise_api = "127.0.0.1:%d"
            """
                .formatted(grpc, etcd, ttl.toSeconds(), prefix, name, grpc));
    for (Map.Entry<String, String> g : shards.entrySet()) {
      toml.append(
          """

          [[group]]
          name = "%s"
          shard = "%s"
          plugin = "%s"
          capacity_per_instance = 2
          max_instances = 8
          update_interval = "1s"
          update_interval_when_expecting = "1s"
          instance_acquire_timeout = "20s"

          [[group.policy]]
          idle_count = 1
          idle_time = "3s"
          """
              .formatted(g.getKey(), g.getValue(), pluginOf(g.getKey())));
    }
    Files.writeString(config, toml.toString());
    Node n = new Node(name, grpc, config, launch(config));
    nodes.add(n);
    return n;
  }

  /** The cloud file of group {@code group} of a sharded set. */
  Path cloudOf(String group) {
    return dir.resolve("cloud-" + group);
  }

  /** A plugin script calling group {@code group}'s own cloud, with its own group id. */
  private Path pluginOf(String group) throws IOException {
    Path p = dir.resolve("file-cloud-plugin-" + group);
    if (!Files.exists(p)) {
      String script =
          Files.readString(plugin)
              .replace("'" + cloud + "'", "'" + cloudOf(group) + "' 'file-cloud/" + group + "'");
      Files.writeString(p, script);
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    }
    return p;
  }

  private static DaemonProcess launch(Path config) throws IOException {
    return DaemonProcess.run(List.of("--config", config.toString()));
  }

  /** Starts {@code n} again with its configuration (after it was killed). */
  void restart(Node n) throws IOException {
    n.process.close();
    n.process = launch(n.config);
  }

  /** The node that serves now, if exactly one does. */
  Optional<Node> leader() {
    List<Node> serving = nodes.stream().filter(Node::serving).toList();
    return serving.size() == 1 ? Optional.of(serving.get(0)) : Optional.empty();
  }

  /** Waits (bounded) for one node to serve, and returns it. */
  Node awaitLeader() throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (System.nanoTime() - deadline < 0) {
      Optional<Node> l = leader();
      if (l.isPresent()) {
        return l.get();
      }
      Thread.sleep(50);
    }
    StringBuilder logs = new StringBuilder();
    for (Node n : nodes) {
      logs.append("--- ").append(n.name).append('\n').append(n.process.output());
    }
    throw new AssertionError("no node served within " + BOUND + "\n" + logs);
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + BOUND + ": " + what);
      }
      Thread.sleep(50);
    }
  }

  /** Every node's API address, for clients that try them in turn. */
  List<String> apis() {
    return nodes.stream().map(Node::api).toList();
  }

  /** Every node's log, for failure messages. */
  String logs() throws IOException {
    StringBuilder out = new StringBuilder();
    for (Node n : nodes) {
      out.append("--- ").append(n.name).append('\n').append(n.process.output());
    }
    return out.toString();
  }

  @Override
  public void close() {
    nodes.forEach(n -> n.process.close());
  }
}
