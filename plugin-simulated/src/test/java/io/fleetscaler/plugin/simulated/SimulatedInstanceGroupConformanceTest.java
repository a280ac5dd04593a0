package io.fleetscaler.plugin.simulated;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.simulated.SimulatedOptions.Latency;
import io.fleetscaler.plugin.tck.InstanceGroupConformanceKit;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;

/** The simulated provider, called directly, passes the conformance kit under a manual clock. */
class SimulatedInstanceGroupConformanceTest {

  /** Base for the variants below: every group of a test shares one manual clock. */
  abstract static class Base extends InstanceGroupConformanceKit {
    final ManualClock clock = new ManualClock();

    @Override
    protected InstanceGroup newGroup() {
      return new SimulatedInstanceGroup(clock);
    }

    @Override
    protected List<String> invalidConfigs() {
      return List.of(
          "{\"no_such_key\":1}",
          "{\"max_size\":0}",
          "{\"max_size\":\"ten\"}",
          "{\"create_latency\":\"soon\"}",
          "{\"delete_latency\":5}",
          "{\"boot_failure_probability\":1.5}",
          "{\"loss_rate_per_hour\":-1}",
          "{\"suspend_resume\":\"yes\"}",
          "[1,2]",
          "{\"max_size\":");
    }

    @Override
    protected void letTimePass(Duration duration) {
      clock.advance(duration);
    }

    @Override
    protected Optional<List<InstanceStatus>> instancesAfterShutdown(InstanceGroup shutDown) {
      return Optional.of(((SimulatedInstanceGroup) shutDown).snapshot());
    }
  }

  /** Realistic latencies with jitter, no suspend/resume. */
  @Nested
  class WithLatency extends Base {
    @Override
    protected String validConfig() {
      return SimulatedOptions.defaults()
          .withMaxSize(5)
          .withCreateLatency(new Latency(Duration.ofSeconds(20), Duration.ofSeconds(15)))
          .withDeleteLatency(new Latency(Duration.ofSeconds(5), Duration.ofSeconds(5)))
          .withSeed(42)
          .toJson();
    }

    @Override
    protected Duration pollStep() {
      return Duration.ofSeconds(3);
    }
  }

  /** Zero latencies, as a plugin process on the system clock is best configured; suspend/resume. */
  @Nested
  class WithoutLatencyAndWithSuspendResume extends Base {
    @Override
    protected String validConfig() {
      return SimulatedOptions.defaults()
          .withMaxSize(4)
          .withNoLatency()
          .withSuspendResume(true)
          .toJson();
    }
  }
}
