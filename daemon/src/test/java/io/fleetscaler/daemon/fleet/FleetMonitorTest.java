package io.fleetscaler.daemon.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetMonitorTest {
  private final ManualClock clock = new ManualClock();
  private final SimulatedInstanceGroup cloud = new SimulatedInstanceGroup(clock);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void publishesInstancesByStateAsTheCloudReportsThem() {
    cloud.init(
        Settings.defaults(),
        "{\"max_size\":5,\"create_latency\":\"30s\",\"delete_latency\":\"5s\"}");
    FleetMonitor monitor = new FleetMonitor(cloud, registry, clock, Duration.ofSeconds(10));
    cloud.increase(3);

    monitor.poll();
    assertThat(monitor.count(InstanceState.CREATING)).isEqualTo(3);
    assertThat(gauge("creating")).isEqualTo(3.0);

    clock.advance(Duration.ofSeconds(31));
    monitor.poll();
    assertThat(gauge("creating")).isZero();
    assertThat(gauge("running")).isEqualTo(3.0);
    assertThat(registry.get("fleeting.provisioner.instance.operations").counter().count())
        .isEqualTo(2.0);
  }

  @Test
  void isNotReadyBeforeTheFirstUpdateNorWhenUpdatesStopSucceeding() {
    FailingGroup group = new FailingGroup();
    FleetMonitor monitor = new FleetMonitor(group, registry, clock, Duration.ofSeconds(10));
    assertThat(monitor.readiness().ready()).isFalse();

    monitor.poll();
    assertThat(monitor.readiness().ready()).isTrue();
    assertThat(gauge("running")).isEqualTo(1.0);

    group.failing = true;
    clock.advance(Duration.ofSeconds(20));
    monitor.poll();
    // Within three intervals of the last success: still ready, and the last counts are kept.
    assertThat(monitor.readiness().ready()).isTrue();
    assertThat(gauge("running")).isEqualTo(1.0);
    assertThat(registry.get("fleeting.provisioner.missed.updates").counter().count())
        .isEqualTo(1.0);

    clock.advance(Duration.ofSeconds(11));
    monitor.poll();
    Readiness stale = monitor.readiness();
    assertThat(stale.ready()).isFalse();
    assertThat(stale.reason()).contains("no successful update for 31s", "plugin restarting");
  }

  private double gauge(String state) {
    return registry.get("fleeting.provisioner.instances").tag("state", state).gauge().value();
  }

  /** A recording fake: one running instance, or an Unavailable error when told to fail. */
  private static final class FailingGroup implements InstanceGroup {
    boolean failing;

    @Override
    public ProviderInfo init(Settings settings, String pluginConfigJson) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<InstanceStatus> update() {
      if (failing) {
        throw new ProviderException.Unavailable("plugin restarting");
      }
      return List.of(new InstanceStatus("i-1", InstanceState.RUNNING));
    }

    @Override
    public int increase(int delta) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<String> decrease(List<String> ids) {
      throw new UnsupportedOperationException();
    }

    @Override
    public io.fleetscaler.plugin.api.ConnectInfo connectInfo(String id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void heartbeat(String id) {}

    @Override
    public void shutdown() {}
  }
}
