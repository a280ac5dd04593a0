package io.fleetscaler.benchmarks.api;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What to run.
 *
 * @param clients concurrent runner-manager clients, each cycling its own key
 * @param channels gRPC channels (TCP connections) the clients share round-robin
 * @param warmup how long to run before measuring
 * @param duration how long to measure
 * @param daemonJar the packaged daemon to start as a subprocess (its jar, or a distribution's
 *     {@code bin/fleetscaler} launcher to run it with the launcher's JVM defaults); null to compose
 *     the daemon's API and a scaler in this JVM
 * @param subprocessPlugin with a daemon jar: run the simulated plugin as the daemon's subprocess
 *     (the daemon's default) rather than inside the daemon
 * @param cloudLatency without a daemon jar, when positive: measure twice, first with an instant
 *     cloud and then with one whose every provisioner call (update, increase, decrease, heartbeat)
 *     takes this long while a provisioner thread ticks throughout, and report both
 */
record LoadOptions(
    int clients,
    int channels,
    Duration warmup,
    Duration duration,
    @Nullable Path daemonJar,
    boolean subprocessPlugin,
    Duration cloudLatency) {

  LoadOptions {
    if (clients < 1 || channels < 1) {
      throw new IllegalArgumentException(
          "clients and channels must be >= 1, got " + clients + " and " + channels);
    }
    if (duration.isNegative() || duration.isZero() || warmup.isNegative()) {
      throw new IllegalArgumentException(
          "duration must be > 0 and warmup >= 0, got " + duration + " and " + warmup);
    }
    if (cloudLatency.isNegative() || (!cloudLatency.isZero() && daemonJar != null)) {
      throw new IllegalArgumentException(
          "cloud-latency must be >= 0 and needs the in-process target, got " + cloudLatency);
    }
  }

  /** The same with another cloud latency. */
  LoadOptions withCloudLatency(Duration value) {
    return new LoadOptions(clients, channels, warmup, duration, daemonJar, subprocessPlugin, value);
  }

  static final String USAGE =
      "usage: ApiLoadGenerator [--clients=64] [--channels=4] [--warmup=5s] [--duration=20s]"
          + " [--daemon-jar=daemon/target/fleetscaler.jar|DIST/bin/fleetscaler [--subprocess-plugin]"
          + " | --cloud-latency=10s]";

  /** Parses {@code --name=value} arguments. */
  static LoadOptions parse(String... args) {
    int clients = 64;
    int channels = 4;
    Duration warmup = Duration.ofSeconds(5);
    Duration duration = Duration.ofSeconds(20);
    Path jar = null;
    boolean subprocessPlugin = false;
    Duration cloudLatency = Duration.ZERO;
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      String value = eq < 0 ? "" : arg.substring(eq + 1);
      switch (name) {
        case "--clients" -> clients = Integer.parseInt(value);
        case "--channels" -> channels = Integer.parseInt(value);
        case "--warmup" -> warmup = seconds(value);
        case "--duration" -> duration = seconds(value);
        case "--daemon-jar" -> jar = Path.of(value);
        case "--subprocess-plugin" -> subprocessPlugin = true;
        case "--cloud-latency" -> cloudLatency = seconds(value);
        default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
      }
    }
    return new LoadOptions(
        clients, channels, warmup, duration, jar, subprocessPlugin, cloudLatency);
  }

  /** {@code 20s} or {@code 500ms}. */
  private static Duration seconds(String value) {
    if (value.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
    }
    if (value.endsWith("s")) {
      return Duration.ofMillis(
          Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
    }
    throw new IllegalArgumentException("expected a duration like 20s or 500ms, got " + value);
  }
}
