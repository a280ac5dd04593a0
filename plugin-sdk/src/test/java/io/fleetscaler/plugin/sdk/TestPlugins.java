package io.fleetscaler.plugin.sdk;

import io.fleetscaler.plugin.sdk.fixture.TestPluginMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Helpers for tests that run real plugin processes. */
final class TestPlugins {
  private TestPlugins() {}

  /** The command that runs the test plugin in a fresh JVM with this test's class path. */
  static List<String> testPluginCommand() {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElseThrow(() -> new IllegalStateException("cannot find this JVM's executable"));
    return List.of(
        java,
        "-Xshare:auto",
        "-XX:TieredStopAtLevel=1",
        "-cp",
        System.getProperty("java.class.path"),
        TestPluginMain.class.getName());
  }

  /** A spec for the test plugin with short restart backoff. */
  static PluginLaunchSpec testPluginSpec() {
    return PluginLaunchSpec.of("test-plugin", testPluginCommand())
        .withStartTimeout(Duration.ofSeconds(60))
        .withRestartBackoff(Duration.ofMillis(500), Duration.ofSeconds(2));
  }

  /** Writes an executable shell script and returns the command that runs it. */
  static List<String> script(Path dir, String name, String body) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return List.of(file.toString());
  }

  /**
   * Waits until {@code condition} holds, polling; fails after {@code bound}. The bound only limits
   * a broken run; it is never part of what a test asserts.
   */
  static void await(String what, Duration bound, BooleanSupplier condition) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting until " + what, e);
      }
    }
  }

  /** Whether the process is alive and not a zombie waiting to be reaped. */
  static boolean running(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }
}
