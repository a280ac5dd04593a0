package io.fleetscaler.benchmarks.ha;

import io.fleetscaler.daemon.api.LeaderFollowingClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Failover of a high-availability set, measured (not a test): three daemons ({@code java -jar
 * fleetscaler.jar run}) on one local etcd; a runner manager retrying every 20 ms through {@link
 * LeaderFollowingClient}; the leader SIGKILLed at a random moment, many times. Each sample is the
 * time from the kill to the first acquisition a new leader serves. Then, in the same run, what an
 * acquisition costs with its state in etcd against the state file (in-process scalers on the
 * simulated cloud, acquire until handed out, then release).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.fleetscaler.benchmarks.ha.FailoverBenchmark \
 *   --daemon-jar daemon/target/fleetscaler.jar [--kills 40] [--ttl 3] [--plugin EXE] \
 *   [--baseline-jar OLD.jar [--rounds 2]]
 * </pre>
 *
 * With {@code --baseline-jar} the same run measures a second build of the daemon (the baseline,
 * e.g. one built from an earlier commit) on the same etcd and machine: the kills are split into
 * {@code rounds} blocks per build, the builds taking turns (baseline first), so that a change in
 * the machine's load falls on both.
 *
 * <p>Without {@code --plugin} the groups use the built-in simulated cloud with instant boots: each
 * leader's plugin process starts with an empty cloud, so a sample includes creating an instance.
 * With a plugin whose cloud outlives the daemons, a sample is adoption only.
 *
 * <p>This class owns the command line, the rounds and the report; the kill loop is {@link
 * FailoverRun} (over {@link DaemonNode}s), the acquisition cost {@link AcquireCost}.
 */
public final class FailoverBenchmark {
  private FailoverBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<String> a = Arrays.asList(args);
    String jar = option(a, "--daemon-jar", "");
    if (jar.isEmpty()) {
      System.err.println(
          "usage: FailoverBenchmark --daemon-jar JAR [--kills N] [--ttl S] [--plugin EXE]"
              + " [--baseline-jar JAR [--rounds N]]");
      System.exit(2);
    }
    int kills = Integer.parseInt(option(a, "--kills", "40"));
    int ttl = Integer.parseInt(option(a, "--ttl", "3"));
    String plugin = option(a, "--plugin", "simulated");
    int acquisitions = Integer.parseInt(option(a, "--acquisitions", "2000"));
    String baselineJar = option(a, "--baseline-jar", "");
    int rounds = baselineJar.isEmpty() ? 1 : Integer.parseInt(option(a, "--rounds", "2"));
    try (LocalEtcd etcd = LocalEtcd.start()) {
      List<Long> measured = new ArrayList<>();
      List<Long> baseline = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        int block = kills / rounds + (r < kills % rounds ? 1 : 0);
        if (!baselineJar.isEmpty()) {
          System.err.printf(Locale.ROOT, "round %d: baseline %s%n", r + 1, baselineJar);
          add(baseline, FailoverRun.failovers(etcd, Path.of(baselineJar), block, ttl, plugin));
        }
        System.err.printf(Locale.ROOT, "round %d: %s%n", r + 1, jar);
        add(measured, FailoverRun.failovers(etcd, Path.of(jar), block, ttl, plugin));
      }
      if (!baselineJar.isEmpty()) {
        report("baseline " + baselineJar, sorted(baseline), ttl);
      }
      report(jar, sorted(measured), ttl);
      long[] file = AcquireCost.measure(null, acquisitions);
      long[] inEtcd = AcquireCost.measure(etcd, acquisitions);
      System.out.printf(
          Locale.ROOT,
          "acquisition until handed out (%d each): state file median %d us, p99 %d us;"
              + " etcd median %d us, p99 %d us; etcd / file median %.1f%n",
          acquisitions,
          percentile(file, 50) / 1000,
          percentile(file, 99) / 1000,
          percentile(inEtcd, 50) / 1000,
          percentile(inEtcd, 99) / 1000,
          (double) percentile(inEtcd, 50) / Math.max(1, percentile(file, 50)));
    }
    System.exit(0);
  }

  private static void add(List<Long> to, long[] samples) {
    for (long s : samples) {
      to.add(s);
    }
  }

  private static long[] sorted(List<Long> samples) {
    long[] out = samples.stream().mapToLong(Long::longValue).sorted().toArray();
    if (out.length == 0) {
      throw new IllegalStateException("no failover measured");
    }
    return out;
  }

  private static void report(String what, long[] failovers, int ttl) {
    StringBuilder all = new StringBuilder();
    for (long f : failovers) {
      all.append(String.format(Locale.ROOT, " %.2f", f / 1e9));
    }
    System.out.printf(
        Locale.ROOT,
        "failover of %s (lease_ttl %ds, %d kills): median %.2f s, p99 %.2f s, max %.2f s;"
            + " sorted (s):%s%n",
        what,
        ttl,
        failovers.length,
        percentile(failovers, 50) / 1e9,
        percentile(failovers, 99) / 1e9,
        failovers[failovers.length - 1] / 1e9,
        all);
  }

  private static String option(List<String> args, String name, String fallback) {
    int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : fallback;
  }

  /** The {@code p}th percentile of sorted samples (nearest rank). */
  static long percentile(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
