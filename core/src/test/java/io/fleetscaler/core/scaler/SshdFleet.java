package io.fleetscaler.core.scaler;

import io.fleetscaler.core.connector.SshdProcess;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A recording fake cloud whose instances are real sshd processes on 127.0.0.1: {@code increase}
 * gives each new instance ({@code vm-1}, {@code vm-2}, …) the next unused sshd of the pool, running
 * at the next update; {@code decrease} deletes at once. The cloud's own view is always healthy (its
 * heartbeat passes), as a cloud's is when the machine is up but unreachable. Connect info carries
 * the key and, when asked, a short expiry, and every fetch is counted.
 */
final class SshdFleet implements InstanceGroup {
  private final List<SshdProcess> pool;
  private final String privateKey;
  private final InstantSource clock;
  private final Map<String, SshdProcess> instances = new LinkedHashMap<>();
  private final Map<String, SshdProcess> everHanded = new LinkedHashMap<>();
  private final Map<String, Integer> fetches = new LinkedHashMap<>();
  private final List<String> decreased = new ArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  private volatile @Nullable Duration credentialLifetime;

  SshdFleet(List<SshdProcess> pool, String privateKey, InstantSource clock) {
    this.pool = List.copyOf(pool);
    this.privateKey = privateKey;
    this.clock = clock;
  }

  /** Connect info from now on expires this long after it is fetched. */
  void credentialLifetime(Duration value) {
    credentialLifetime = value;
  }

  synchronized int fetches(String id) {
    return fetches.getOrDefault(id, 0);
  }

  synchronized List<String> decreased() {
    return List.copyOf(decreased);
  }

  synchronized Set<String> ids() {
    return Set.copyOf(instances.keySet());
  }

  /** The sshd behind an instance, deleted or not. */
  synchronized SshdProcess sshd(String id) {
    SshdProcess p = everHanded.get(id);
    if (p == null) {
      throw new IllegalArgumentException("no instance " + id);
    }
    return p;
  }

  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    return new ProviderInfo("sshd-fleet", pool.size(), "test", "", Set.of());
  }

  @Override
  public synchronized List<InstanceStatus> update() {
    return instances.keySet().stream()
        .map(id -> new InstanceStatus(id, InstanceState.RUNNING))
        .toList();
  }

  @Override
  public synchronized int increase(int delta) {
    int granted = 0;
    while (granted < delta && next.get() < pool.size()) {
      int n = next.getAndIncrement();
      instances.put("vm-" + (n + 1), pool.get(n));
      everHanded.put("vm-" + (n + 1), pool.get(n));
      granted++;
    }
    return granted;
  }

  @Override
  public synchronized List<String> decrease(List<String> ids) {
    decreased.addAll(ids);
    ids.forEach(instances::remove);
    return List.copyOf(ids);
  }

  @Override
  public synchronized ConnectInfo connectInfo(String id) {
    SshdProcess p = instances.get(id);
    if (p == null) {
      throw new ProviderException.NotFound("no instance " + id);
    }
    fetches.merge(id, 1, Integer::sum);
    Duration lifetime = credentialLifetime;
    Instant expires = lifetime == null ? null : clock.instant().plus(lifetime);
    ConnectorConfig c =
        new ConnectorConfig(
            "linux",
            "amd64",
            Protocol.SSH,
            0,
            SshdProcess.username(),
            null,
            privateKey,
            false,
            Duration.ZERO,
            Duration.ofSeconds(5));
    return new ConnectInfo(id, c, p.hostPort(), "", expires);
  }

  @Override
  public void heartbeat(String id) {}

  @Override
  public void shutdown() {}
}
