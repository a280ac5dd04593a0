package io.fleetscaler.plugin.statichosts;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.sdk.PluginServer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A fixed pool of SSH (or WinRM) hosts as an instance group: the equivalent of
 * fleeting-plugin-static. Nothing is created or destroyed; {@link #increase} marks free hosts as in
 * use and {@link #decrease} returns them to the pool. The instance ids are the host names of the
 * {@code instances} map in {@code plugin_config} (see {@code docs/plugins/static.md}).
 *
 * <p><b>Reachability.</b> Every {@link #update} probes each in-use host (TCP connect and, for SSH,
 * the server's identification line, bounded by {@code probe_timeout}) and reports it {@code
 * running} when it answered and {@code timeout} when it did not, so the scaler stops placing work
 * on it and removes it; a host that answers again is reported {@code running} again. {@link
 * #increase} probes the free hosts first and never hands out one that does not answer. {@link
 * #heartbeat} probes too and throws {@link ProviderException.Unhealthy} for a dead host.
 *
 * <p><b>State.</b> Which hosts are in use lives in this object only: a restarted plugin starts with
 * every host free, and the scaler's first update then sees none of its old instances.
 *
 * <p><b>Thread-safety.</b> As the SPI requires: {@link #init}, {@link #update}, {@link #increase},
 * {@link #decrease} and {@link #shutdown} are called one at a time; {@link #connectInfo} and {@link
 * #heartbeat} may run at any time alongside them and each other. The in-use set is a concurrent
 * set, and the configuration is published once by init through a volatile field.
 */
public final class StaticInstanceGroup implements InstanceGroup {

  /** The plugin's release version, reported by init and logged at start. */
  public static final String VERSION = "0.1.0";

  private static final System.Logger LOG = PluginServer.logger("static");

  private final Function<Duration, HostProbe> probes;
  private final Set<String> inUse = ConcurrentHashMap.newKeySet();
  private volatile @Nullable Configured configured;

  /** What init established; immutable. */
  private record Configured(
      Map<String, StaticHost> hosts, ConnectorConfig connector, HostProbe probe) {}

  /** A group probing hosts with {@link SshBannerProbe}. */
  public StaticInstanceGroup() {
    this(SshBannerProbe::new);
  }

  /** A group probing hosts with what {@code probes} makes for the configured probe timeout. */
  StaticInstanceGroup(Function<Duration, HostProbe> probes) {
    this.probes = probes;
  }

  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    if (configured != null) {
      throw new IllegalStateException("init was already called on this static group");
    }
    StaticConfig config = StaticConfigReader.read(pluginConfigJson);
    Map<String, StaticHost> hosts = new LinkedHashMap<>();
    config.hosts().forEach(h -> hosts.put(h.name(), h));
    // An unmodifiable view keeps the name order hosts are handed out in.
    configured =
        new Configured(
            Collections.unmodifiableMap(hosts),
            settings.connector(),
            probes.apply(config.probeTimeout()));
    LOG.log(
        Level.INFO,
        "static group of {0} hosts {1}, probe timeout {2}",
        hosts.size(),
        hosts.keySet(),
        config.probeTimeout());
    return new ProviderInfo(
        "static/" + String.join(",", hosts.keySet()), hosts.size(), VERSION, "", Set.of());
  }

  /**
   * Every in-use host, {@code running} when it answered the probe and {@code timeout} when it did
   * not. Free hosts are not listed: the scaler owns only what it asked for.
   */
  @Override
  public List<InstanceStatus> update() {
    Configured c = configured();
    List<StaticHost> used =
        c.hosts().values().stream().filter(h -> inUse.contains(h.name())).toList();
    List<Optional<String>> failures = probeAll(c, used);
    List<InstanceStatus> statuses = new ArrayList<>(used.size());
    for (int i = 0; i < used.size(); i++) {
      StaticHost host = used.get(i);
      Optional<String> failure = failures.get(i);
      failure.ifPresent(
          why -> LOG.log(Level.WARNING, "host {0} does not answer: {1}", host.name(), why));
      statuses.add(
          new InstanceStatus(
              host.name(), failure.isPresent() ? InstanceState.TIMEOUT : InstanceState.RUNNING));
    }
    return List.copyOf(statuses);
  }

  /**
   * Marks up to {@code delta} free hosts as in use, in name order, skipping those that do not
   * answer a probe now.
   *
   * @return how many were marked; fewer than {@code delta} when not enough hosts are free and alive
   */
  @Override
  public int increase(int delta) {
    if (delta < 1) {
      throw new IllegalArgumentException("increase delta must be at least 1, was " + delta);
    }
    Configured c = configured();
    List<StaticHost> free =
        c.hosts().values().stream().filter(h -> !inUse.contains(h.name())).toList();
    List<Optional<String>> failures = probeAll(c, free);
    int granted = 0;
    for (int i = 0; i < free.size() && granted < delta; i++) {
      StaticHost host = free.get(i);
      Optional<String> failure = failures.get(i);
      if (failure.isPresent()) {
        LOG.log(Level.WARNING, "not handing out {0}: {1}", host.name(), failure.get());
        continue;
      }
      inUse.add(host.name());
      granted++;
    }
    if (granted < delta) {
      LOG.log(Level.INFO, "increase({0}) granted {1}: no more free hosts answer", delta, granted);
    }
    return granted;
  }

  /**
   * Returns the named hosts to the pool. Idempotent: a host already free, and an id naming no
   * configured host (it cannot be in use), count as accepted.
   */
  @Override
  public List<String> decrease(List<String> ids) {
    Configured c = configured();
    for (String id : ids) {
      if (!c.hosts().containsKey(id)) {
        LOG.log(Level.WARNING, "decrease of {0}, which names no configured host", id);
      }
      inUse.remove(id);
    }
    return List.copyOf(ids);
  }

  /**
   * The host's addresses and credentials: the connector's settings, with whatever the host's entry
   * sets instead ({@code username}, {@code password}, the key read from {@code key_path} now,
   * {@code os}, {@code arch}, {@code protocol}). Credentials are always static here.
   *
   * @throws ProviderException.NotFound if {@code id} is not a host in use
   * @throws ProviderException.Unavailable if the key file cannot be read now
   */
  @Override
  public ConnectInfo connectInfo(String id) {
    StaticHost host = inUseHost(id);
    ConnectorConfig base = configured().connector();
    String password = base.password();
    String privateKey = base.privateKey();
    if (host.password() != null) {
      password = host.password();
      privateKey = null;
    }
    if (host.keyPath() != null) {
      try {
        privateKey = Files.readString(host.keyPath(), StandardCharsets.UTF_8);
        password = null;
      } catch (IOException e) {
        // The path is configuration, not a secret; the key's content never appears.
        throw new ProviderException.Unavailable(
            "cannot read key_path " + host.keyPath() + " of host " + id, e);
      }
    }
    ConnectorConfig connector =
        new ConnectorConfig(
            orElse(host.os(), base.os()),
            orElse(host.arch(), base.arch()),
            host.protocol() == null ? base.protocol() : host.protocol(),
            base.protocolPort(),
            orElse(host.username(), base.username()),
            password,
            privateKey,
            true,
            base.keepalive(),
            base.timeout());
    return new ConnectInfo(id, connector, host.internalAddr(), host.externalAddr(), null);
  }

  /**
   * Probes the host now.
   *
   * @throws ProviderException.NotFound if {@code id} is not a host in use
   * @throws ProviderException.Unhealthy if the host does not answer
   */
  @Override
  public void heartbeat(String id) {
    StaticHost host = inUseHost(id);
    Optional<String> failure = probe(configured(), host);
    if (failure.isPresent()) {
      throw new ProviderException.Unhealthy("host " + id + " does not answer: " + failure.get());
    }
  }

  /** Holds no resources between calls; hosts stay as they are. */
  @Override
  public void shutdown() {
    LOG.log(Level.INFO, "static group shut down with {0} hosts in use", inUse.size());
  }

  /** The names of the hosts in use now, for tests that look behind the SPI. */
  Set<String> inUse() {
    return Set.copyOf(inUse);
  }

  private StaticHost inUseHost(String id) {
    StaticHost host = configured().hosts().get(id);
    if (host == null || !inUse.contains(id)) {
      throw new ProviderException.NotFound("no host " + id + " in use in this static group");
    }
    return host;
  }

  private Configured configured() {
    Configured c = configured;
    if (c == null) {
      throw new IllegalStateException("static group used before init");
    }
    return c;
  }

  private static Optional<String> probe(Configured c, StaticHost host) {
    Protocol protocol = host.protocol() == null ? c.connector().protocol() : host.protocol();
    return c.probe().failure(host.probeHost(), host.probePort(), protocol == Protocol.SSH);
  }

  /** Probes all {@code hosts} at once, so that dead hosts cost one timeout, not one each. */
  private static List<Optional<String>> probeAll(Configured c, List<StaticHost> hosts) {
    if (hosts.isEmpty()) {
      return List.of();
    }
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Optional<String>>> calls = new ArrayList<>(hosts.size());
      for (StaticHost host : hosts) {
        calls.add(pool.submit(() -> probe(c, host)));
      }
      List<Optional<String>> failures = new ArrayList<>(hosts.size());
      for (Future<Optional<String>> call : calls) {
        failures.add(call.get());
      }
      return failures;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException.Unavailable("interrupted while probing hosts", e);
    } catch (ExecutionException e) {
      throw new ProviderException.Unavailable("probing hosts failed", e);
    }
  }

  private static String orElse(@Nullable String value, String fallback) {
    return value == null ? fallback : value;
  }
}
