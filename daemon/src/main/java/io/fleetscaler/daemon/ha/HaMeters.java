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
 * it as (or call it from) the election's listener so renewals are timed.
 */
public final class HaMeters implements LeaderElection.Listener {
  private final Timer renew;

  private HaMeters(Timer renew) {
    this.renew = renew;
  }

  /** Registers the renew timer; call {@link #bind} once the election has started. */
  public static HaMeters create(MeterRegistry registry) {
    return new HaMeters(
        Timer.builder("fleetscaler.ha.lease.renew")
            .description("Round trip of a keep-alive of the leader's lease to etcd")
            .publishPercentileHistogram()
            .register(registry));
  }

  /** Registers the leader gauge and the transitions counter of {@code election}. */
  public void bind(MeterRegistry registry, LeaderElection election) {
    Gauge.builder("fleetscaler.ha.leader", election, e -> e.guard().holds() ? 1 : 0)
        .description("1 while this node leads and its lease surely holds, else 0")
        .register(registry);
    FunctionCounter.builder("fleetscaler.ha.transitions", election, e -> e.transitions())
        .description("Leadership terms this node began or ended")
        .register(registry);
    FunctionCounter.builder("fleetscaler.ha.fenced.writes", election, e -> e.fencedWrites())
        .description("State writes refused because this node's leadership term had ended")
        .register(registry);
  }

  @Override
  public void renewed(Duration latency) {
    renew.record(latency);
  }
}
