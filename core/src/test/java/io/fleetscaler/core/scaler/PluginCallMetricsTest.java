package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.policy.Policy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats and {@code connect_info} calls are plugin calls like the provisioner's: counted per
 * outcome in {@code fleetscaler_plugin_calls_total} and timed in {@code
 * fleetscaler_plugin_call_duration_seconds}, exactly as often as the plugin saw them.
 */
class PluginCallMetricsTest {
  private static final Duration FOREVER = Duration.ofHours(1);
  private static final Duration HEARTBEAT = Duration.ofSeconds(10);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Harness h =
      new Harness(
          b ->
              b.policies(List.of(Policy.of(1)))
                  .maxInstances(2)
                  .heartbeat(HEARTBEAT, 3)
                  .meterRegistry(registry));

  private long calls(String method, String outcome) {
    return h.scaler.counter(
        "fleetscaler_plugin_calls_total", "method|outcome", method + '|' + outcome);
  }

  private double scraped(String method, String outcome) {
    return registry
        .get("fleetscaler.plugin.calls")
        .tags("method", method, "outcome", outcome)
        .functionCounter()
        .count();
  }

  private long timed(String method) {
    return registry.get("fleetscaler.plugin.call.duration").tags("method", method).timer().count();
  }

  @Test
  void heartbeatsAreCountedAndTimedPerOutcome() {
    h.bootAll();
    h.advance(HEARTBEAT);
    h.cloud.failNextHeartbeats(1);
    h.advance(HEARTBEAT);
    h.advance(HEARTBEAT);

    int seen = h.cloud.heartbeatCalls();
    assertThat(seen).as("heartbeats the plugin saw").isGreaterThanOrEqualTo(3);
    assertThat(calls("heartbeat", "error")).isOne();
    assertThat(calls("heartbeat", "ok")).isEqualTo(seen - 1);
    assertThat(scraped("heartbeat", "ok")).isEqualTo(seen - 1);
    assertThat(scraped("heartbeat", "error")).isEqualTo(1);
    assertThat(timed("heartbeat")).isEqualTo(seen);
  }

  @Test
  void everyConnectInfoOfAnAcquisitionIsCountedAndTimed() {
    h.bootAll();
    Acquisition a = h.scaler.acquire("job", FOREVER).join();
    assertThat(calls("connect_info", "ok")).isZero();

    a.connectInfo();
    a.connectInfo();

    assertThat(h.cloud.connectInfoCalls()).isEqualTo(2);
    assertThat(calls("connect_info", "ok")).isEqualTo(2);
    assertThat(scraped("connect_info", "ok")).isEqualTo(2);
    assertThat(scraped("connect_info", "error")).isZero();
    assertThat(timed("connect_info")).isEqualTo(2);
  }
}
