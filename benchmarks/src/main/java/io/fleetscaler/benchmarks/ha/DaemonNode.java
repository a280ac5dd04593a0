package io.fleetscaler.benchmarks.ha;

import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.GetFleetRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One daemon of the benchmark's high-availability set: its configuration file, its process ({@code
 * java -jar fleetscaler.jar run}, its log appended beside the configuration across restarts), its
 * API address. Owns launching, SIGKILLing (with the plugin processes it started) and waiting until
 * a restarted node answers. Not thread-safe: the benchmark drives it from one thread.
 */
final class DaemonNode {
  final Path config;
  final int grpc;
  final Path jar;
  Process process;

  DaemonNode(Path config, int grpc, Path jar) throws IOException {
    this.config = config;
    this.grpc = grpc;
    this.jar = jar;
    this.process = launch();
  }

  Process launch() throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(
            java,
            "--enable-native-access=ALL-UNNAMED",
            "-jar",
            jar.toString(),
            "run",
            "--config",
            config.toString(),
            "--http-listen",
            "127.0.0.1:" + LocalEtcd.freePort())
        .redirectErrorStream(true)
        // Appended: a node's log keeps every term it led, for the phases of each failover.
        .redirectOutput(
            ProcessBuilder.Redirect.appendTo(
                config.resolveSibling(config.getFileName() + ".log").toFile()))
        .start();
  }

  String api() {
    return "127.0.0.1:" + grpc;
  }

  void kill() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    process.waitFor();
    children.forEach(ProcessHandle::destroyForcibly);
  }

  /** Waits until {@code n} answers an API call at all (any status a server sends). */
  void awaitAnswering() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() - deadline < 0) {
      ManagedChannel channel = ManagedChannelBuilder.forTarget(api()).usePlaintext().build();
      try {
        var unused =
            FleetGrpc.newBlockingStub(channel)
                .withDeadlineAfter(1, TimeUnit.SECONDS)
                .getFleet(GetFleetRequest.getDefaultInstance());
        return;
      } catch (StatusRuntimeException e) {
        // A transport failure carries its cause; a status the server sent does not.
        if (e.getStatus().getCause() == null
            && e.getStatus().getCode() != io.grpc.Status.Code.DEADLINE_EXCEEDED) {
          return;
        }
      } finally {
        channel.shutdownNow();
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("node " + api() + " did not answer within 120 s");
  }

  /** The configuration of one node of the set: HA on {@code etcd}, one group named {@code ha}. */
  static String config(
      LocalEtcd etcd, int ttl, String prefix, String node, int grpc, String plugin) {
    String pluginConfig =
        plugin.equals("simulated")
            ? "\n[group.plugin_config]\nmax_size = 8\ncreate_latency = \"0s\"\n"
            : "";
    return """
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
    %s
    [[group.policy]]
    idle_count = 2
    idle_time = "1h"
    """
        .formatted(grpc, etcd.endpoint(), ttl, prefix, node, grpc, plugin, pluginConfig);
  }
}
