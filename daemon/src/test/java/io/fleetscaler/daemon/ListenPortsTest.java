package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listening address held by another program stops {@code run} with exit 2 before any plugin
 * starts. The plugin here is an executable that leaves a mark when started: had the daemon started
 * it before binding its ports (as it once did, exiting 1 after the plugin had run), the mark would
 * be there.
 */
class ListenPortsTest {
  @TempDir Path dir;

  @Test
  void aBusyGrpcPortExitsTwoBeforeAnyPluginStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String busy = "127.0.0.1:" + taken.getLocalPort();

      HostileInput.Outcome o = run("--grpc-listen", busy, "--http-listen", "127.0.0.1:0");

      assertRefusedBeforeThePlugin(o, "grpc_listen " + busy);
    }
  }

  @Test
  void aBusyMetricsPortExitsTwoBeforeAnyPluginStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String busy = "127.0.0.1:" + taken.getLocalPort();

      HostileInput.Outcome o = run("--grpc-listen", "127.0.0.1:0", "--http-listen", busy);

      assertRefusedBeforeThePlugin(o, "http_listen " + busy);
    }
  }

  @Test
  void bothBusyPortsAreNamedTogether() throws Exception {
    try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      HostileInput.Outcome o =
          run(
              "--grpc-listen",
              "127.0.0.1:" + a.getLocalPort(),
              "--http-listen",
              "127.0.0.1:" + b.getLocalPort());

      assertRefusedBeforeThePlugin(o, "grpc_listen 127.0.0.1:" + a.getLocalPort());
      assertThat(o.err()).contains("http_listen 127.0.0.1:" + b.getLocalPort());
    }
  }

  @Test
  void aFreePortIsReleasedForTheServerAfterTheCheck() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    var settings =
        io.fleetscaler.daemon.config.DaemonSettings.defaults()
            .withApi("127.0.0.1:" + port, null, null, null, null)
            .withHttpListen("127.0.0.1:0");
    ListenPorts held = ListenPorts.take(settings);
    try {
      assertThat(canBind(port)).as("held while plugins start").isFalse();
    } finally {
      held.close();
    }
    assertThat(canBind(port)).as("released for the API server").isTrue();
  }

  private HostileInput.Outcome run(String... listen) throws Exception {
    Path mark = dir.resolve("plugin-started");
    Path plugin =
        Files.writeString(
            dir.resolve("fleetscaler-plugin-marks"), "#!/bin/sh\ntouch '" + mark + "'\nexit 3\n");
    Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwx------"));
    List<String> args = new java.util.ArrayList<>(List.of("run", "--plugin", plugin.toString()));
    args.addAll(List.of(listen));
    return HostileInput.cli(args);
  }

  private void assertRefusedBeforeThePlugin(HostileInput.Outcome o, String names) {
    assertThat(o.exit()).as(o.all()).isEqualTo(2);
    assertThat(o.err())
        .contains(names + ": the port is in use by another program")
        .contains("nothing started");
    o.assertNoTrace();
    assertThat(dir.resolve("plugin-started")).as("the plugin was never started").doesNotExist();
  }

  private static boolean canBind(int port) {
    try {
      new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
