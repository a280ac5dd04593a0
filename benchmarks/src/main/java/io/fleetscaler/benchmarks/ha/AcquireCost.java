package io.fleetscaler.benchmarks.ha;

import io.fleetscaler.benchmarks.scaler.StateStorageBenchmark;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.daemon.ha.HaSettings;
import io.fleetscaler.daemon.ha.LeaderElection;
import io.fleetscaler.daemon.ha.Role;
import io.fleetscaler.plugin.simulated.ManualClock;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The second measurement of {@link FailoverBenchmark}: what an acquisition costs until it is handed
 * out with the scaler's state in etcd against the state file, on an in-process scaler over the
 * simulated cloud under a manual clock. Owns that scaler and, for etcd, the election it must lead.
 */
final class AcquireCost {
  private AcquireCost() {}

  /**
   * Nanoseconds from asking for an acquisition to holding it, {@code n} times after a warm-up, with
   * the state in a file ({@code etcd == null}) or in etcd under a lease this process leads.
   */
  static long[] measure(@Nullable LocalEtcd etcd, int n) throws Exception {
    ManualClock clock = new ManualClock();
    TaskScaler.Builder b = StateStorageBenchmark.fleet(clock);
    @Nullable LeaderElection election = null;
    if (etcd == null) {
      b.stateStorage(Files.createTempDirectory("fleetscaler-bench-state").resolve("state"));
    } else {
      LeaderElection e =
          LeaderElection.start(
              HaSettings.plain(etcd.endpoint(), "bench", "127.0.0.1:1")
                  .withLeaseTtl(Duration.ofSeconds(10)),
              new LeaderElection.Listener() {});
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (e.role() != Role.LEADER) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("the benchmark's election did not win");
        }
        Thread.sleep(20);
      }
      b.stateStore(e::stateStore).leaseGuard(e.guard());
      election = e;
    }
    TaskScaler s = b.build();
    try {
      s.tick();
      clock.advance(Duration.ofSeconds(5));
      s.tick();
      s.tick();
      for (int i = 0; i < 200; i++) {
        s.acquire("job", Duration.ZERO).join();
        s.release("job");
      }
      long[] out = new long[n];
      for (int i = 0; i < n; i++) {
        long t = System.nanoTime();
        s.acquire("job", Duration.ZERO).join();
        out[i] = System.nanoTime() - t;
        s.release("job");
      }
      Arrays.sort(out);
      return out;
    } finally {
      s.shutdown();
      if (election != null) {
        election.close();
      }
    }
  }
}
