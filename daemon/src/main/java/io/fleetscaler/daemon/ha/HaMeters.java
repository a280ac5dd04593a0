package io.fleetscaler.daemon.ha;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The high-availability meters: {@code fleetscaler_ha_leader} (1 while this node leads and its
 * lease surely holds, else 0), {@code fleetscaler_ha_transitions_total} (terms begun and ended),
 * {@code fleetscaler_ha_fenced_writes_total} (state writes refused because the term had ended) and
 * {@code fleetscaler_ha_lease_renew_seconds} (keep-alive round trips of the leader's lease). Pass
 * it as (or call it from) the election's listener so renewals are timed. Every meter carries the
 * tag {@code shard}: the election's name (one series per shard of a sharded set).
 */
public final class HaMeters implements LeaderElection.Listener {
  private final Timer renew;
  private final String shard;

  private HaMeters(Timer renew, String shard) {
    this.renew = renew;
    this.shard = shard;
  }

  /** As {@link #create(MeterRegistry, String)} for the default election. */
  public static HaMeters create(MeterRegistry registry) {
    return create(registry, HaSettings.DEFAULT_ELECTION);
  }

  /**
   * Registers the renew timer of election {@code shard}; call {@link #bind} once the election has
   * started.
   */
  public static HaMeters create(MeterRegistry registry, String shard) {
    return new HaMeters(
        Timer.builder("fleetscaler.ha.lease.renew")
            .tag("shard", shard)
            .description("Round trip of a keep-alive of the leader's lease to etcd")
            .publishPercentileHistogram()
            .register(registry),
        shard);
  }

  /** Registers the leader gauge and the transitions counter of {@code election}. */
  public void bind(MeterRegistry registry, LeaderElection election) {
    Gauge.builder("fleetscaler.ha.leader", election, e -> e.guard().holds() ? 1 : 0)
        .tag("shard", shard)
        .description("1 while this node leads and its lease surely holds, else 0")
        .register(registry);
    FunctionCounter.builder("fleetscaler.ha.transitions", election, e -> e.transitions())
        .tag("shard", shard)
        .description("Leadership terms this node began or ended")
        .register(registry);
    FunctionCounter.builder("fleetscaler.ha.fenced.writes", election, e -> e.fencedWrites())
        .tag("shard", shard)
        .description("State writes refused because this node's leadership term had ended")
        .register(registry);
  }

  @Override
  public void renewed(Duration latency) {
    renew.record(latency);
  }
}
