package io.fleetscaler.plugin.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.SimulatedOptions.Latency;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The host calls connect info and heartbeat from other threads while it scales; those calls must
 * only ever see a consistent cloud, and must not change what the scaling thread observes.
 */
class SimulatedConcurrencyTest {

  private static final SimulatedOptions OPTIONS =
      SimulatedOptions.defaults()
          .withMaxSize(20)
          .withCreateLatency(new Latency(Duration.ofSeconds(1), Duration.ofSeconds(5)))
          .withDeleteLatency(new Latency(Duration.ofSeconds(1), Duration.ofSeconds(2)))
          .withBootFailureProbability(0.1)
          .withSeed(11);

  @Test
  void readersOnOtherThreadsSeeOnlyTheDocumentedOutcomesAndChangeNothing() throws Exception {
    List<String> alone = scale(false);
    List<String> watched = scale(true);
    assertThat(watched).isEqualTo(alone);
  }

  /** A fixed scaling script; with {@code watch}, four threads hammer the readers meanwhile. */
  private static List<String> scale(boolean watch) throws Exception {
    ManualClock clock = new ManualClock();
    SimulatedInstanceGroup g = new SimulatedInstanceGroup(clock);
    g.init(Settings.defaults(), OPTIONS.toJson());
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<Integer>> readers = new ArrayList<>();
    try {
      if (watch) {
        for (int t = 0; t < 4; t++) {
          readers.add(pool.submit(() -> read(g, done)));
        }
      }
      List<String> trace = new ArrayList<>();
      for (int round = 0; round < 200; round++) {
        try {
          trace.add("increase " + g.increase(1 + round % 3));
        } catch (ProviderException.Capacity e) {
          trace.add("capacity");
        }
        clock.advance(Duration.ofSeconds(round % 4));
        List<InstanceStatus> listed = g.update();
        trace.add(listed.toString());
        if (listed.size() > 2) {
          g.decrease(List.of(listed.get(round % listed.size()).id()));
        }
      }
      done.set(true);
      for (Future<Integer> reader : readers) {
        assertThat(reader.get()).as("reads by one reader").isPositive();
      }
      return trace;
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
  }

  private static int read(SimulatedInstanceGroup g, AtomicBoolean done) {
    int reads = 0;
    while (!done.get() || reads == 0) {
      for (int n = 1; n <= 40; n++) {
        String id = String.format("sim-%06d", n);
        try {
          assertThat(g.connectInfo(id).id()).isEqualTo(id);
          g.heartbeat(id);
        } catch (ProviderException.NotFound | ProviderException.Unhealthy expected) {
          // Not created yet, deleted, or failed to boot: the documented outcomes.
        }
        reads++;
      }
    }
    return reads;
  }
}
