package io.fleetscaler.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JVM options of a built-in plugin's process, a JVM the daemon starts for each group (the
 * launcher's {@code FLEETSCALER_OPTS} never reach it). In order, so that a later option overrides
 * an earlier one: {@link Main#childJvmFlags()} (native access, the log line format, the daemon's
 * own memory options); then {@link #DEFAULTS}, unless {@code FLEETSCALER_JVM_DEFAULTS=none}; then
 * the operator's {@value #OPERATOR_OPTIONS}, split at white space.
 *
 * <p>Why these defaults: a plugin process holds little (its cloud client and a table of the group's
 * instances) and answers a few calls a second, so what a JVM costs beyond its heap dominates its
 * memory. C1 only ({@code TieredStopAtLevel=1}, one compiler thread) drops C2's compiler arenas and
 * most of the code cache, which a process this quiet never earns back in speed; the serial
 * collector has no GC threads and the least native bookkeeping; the heap starts small and is given
 * back when free; the metaspace cap only bounds a leak. The JDK's class data sharing archive stays
 * on (the JVM's default {@code -Xshare:auto}), so the JDK's classes are mapped rather than parsed.
 * Netty's pooled buffers keep one arena instead of two per core, in 512 KB chunks instead of gRPC's
 * 2 MB ({@code maxOrder=6}: a message larger than a chunk, such as an {@code Update} answer of
 * thousands of instances, is read into buffers of its own, freed at once). On newer JVMs (the
 * plugin runs on the daemon's own Java) {@link #byVersion} adds what the daemon's launcher adds for
 * itself: the native heap trimmed every 5 s (Java 22+), so what glibc keeps of memory the JVM freed
 * (a burst of buffers, the compiler's arenas) goes back to the system, and compact object headers
 * (Java 25+), 8 bytes less per object. Measured by {@code benchmarks/daemon-rss.sh} at 10 000
 * simulated instances (benchmarks/README.md, docs/operations.md). The {@code bin/fleeting-plugin-*}
 * launchers, which a Go go-plugin host runs, pass the same defaults.
 */
final class PluginJvmOptions {
  /** The environment variable with the operator's JVM options for plugin processes. */
  static final String OPERATOR_OPTIONS = "FLEETSCALER_PLUGIN_OPTS";

  /** Defaults for a small, quiet plugin JVM. */
  static final List<String> DEFAULTS =
      List.of(
          "-XX:TieredStopAtLevel=1",
          "-XX:CICompilerCount=1",
          "-XX:+UseSerialGC",
          "-Xms8m",
          "-XX:MinHeapFreeRatio=10",
          "-XX:MaxHeapFreeRatio=30",
          "-Xss512k",
          "-XX:ReservedCodeCacheSize=32m",
          "-XX:MaxMetaspaceSize=256m",
          "-XX:-UsePerfData",
          "-Dio.grpc.netty.shaded.io.netty.allocator.numDirectArenas=1",
          "-Dio.grpc.netty.shaded.io.netty.allocator.numHeapArenas=1",
          "-Dio.grpc.netty.shaded.io.netty.allocator.maxOrder=6");

  private PluginJvmOptions() {}

  /** The defaults that a Java of {@code version} (21.0.8, 25, ...) accepts. */
  static List<String> defaults(Runtime.Version version) {
    List<String> all = new ArrayList<>(DEFAULTS);
    all.addAll(byVersion(version));
    return all;
  }

  /**
   * The defaults that need a newer Java than the floor, 21.0.0, as {@code lib/launch.sh} adds them:
   * the native heap trimmed every 5 s (a product option since 22 and 21.0.4), compact object
   * headers (a product option since 25).
   */
  static List<String> byVersion(Runtime.Version version) {
    List<String> flags = new ArrayList<>();
    if (version.feature() >= 22 || (version.feature() == 21 && version.update() >= 4)) {
      flags.add("-XX:TrimNativeHeapInterval=5000");
    }
    if (version.feature() >= 25) {
      flags.add("-XX:+UseCompactObjectHeaders");
    }
    return flags;
  }

  /** The options for a plugin JVM started by this daemon, whose environment is {@code env}. */
  static List<String> flags(Map<String, String> env) {
    List<String> flags = new ArrayList<>(Main.childJvmFlags());
    if (!"none".equals(env.get("FLEETSCALER_JVM_DEFAULTS"))) {
      flags.addAll(defaults(Runtime.version()));
    }
    String operator = env.getOrDefault(OPERATOR_OPTIONS, "").strip();
    if (!operator.isEmpty()) {
      flags.addAll(List.of(operator.split("\\s+")));
    }
    return flags;
  }
}
