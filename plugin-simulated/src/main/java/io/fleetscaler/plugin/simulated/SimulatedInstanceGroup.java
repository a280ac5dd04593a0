package io.fleetscaler.plugin.simulated;

import io.fleetscaler.plugin.api.Capability;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory cloud instance group that behaves like a real one: asynchronous creation and
 * deletion with configurable latency, a size limit, injectable capacity errors, boot failures and
 * instance loss. Configured by {@link #init} from the JSON described in {@link SimulatedOptions}.
 *
 * <p><b>Determinism.</b> Time comes only from the injected {@link InstantSource}; randomness only
 * from a generator seeded with {@link SimulatedOptions#seed()}, drawn from only by {@link
 * #increase}, {@link #decrease}, {@link #suspend} and {@link #resume}, in call order. The same
 * seed, calls and clock readings therefore give the same ids, states and errors, however often
 * {@link #update}, {@link #connectInfo} or {@link #heartbeat} are called in between.
 *
 * <p><b>Lifecycle of an instance.</b> Ids are {@code sim-000001}, {@code sim-000002} and so on in
 * request order, never reused. {@link #increase} creates it as {@code creating}; after the create
 * latency it is {@code running}, or {@code timeout} if its boot failed (it then stays until
 * deleted, like a VM in an error state). {@link #decrease} makes it {@code deleting}; after the
 * delete latency the next {@link #update} reports it {@code deleted} once and then never again. A
 * lost instance ({@link #loseInstance}, or the random loss rate) vanishes: updates stop listing it
 * without a {@code deleted} report, as when a cloud reclaims a spot VM.
 *
 * <p><b>Choices where the SPI leaves room.</b>
 *
 * <ul>
 *   <li>{@link #increase} returns {@code min(delta, room)}. When the group is at {@code max_size}
 *       it returns 0 without error (asking beyond the declared size is the scaler's mistake). When
 *       the capacity limit (a simulated stock-out) leaves no room but {@code max_size} would, or an
 *       injected failure is pending, it throws {@link ProviderException.Capacity}. Instances that
 *       are {@code deleting} no longer count against either limit.
 *   <li>{@link #decrease} accepts every id whose end state holds: ids already deleting, deleted,
 *       lost, or never owned by this group are accepted without effect. It never touches another
 *       instance.
 *   <li>{@link #heartbeat} throws {@link ProviderException.Unhealthy} for a {@code timeout}
 *       instance, for one marked with {@link #breakInstance}, and for a lost instance that no
 *       update has omitted yet; it throws {@link ProviderException.NotFound} once the instance is
 *       no longer listed.
 *   <li>{@link #connectInfo} gives the operator's connector configuration, with {@code linux},
 *       {@code amd64} and user {@code fleetscaler} filled in where empty, and an internal address
 *       {@code 10.a.b.c} derived from the instance's sequence number. Nothing listens there.
 * </ul>
 *
 * <p><b>Thread-safety.</b> Every method may be called from any thread; one lock guards the state.
 * This is not a hot path. Methods other than {@link #init} and the test controls throw {@link
 * IllegalStateException} before {@link #init} and after {@link #shutdown}.
 */
public final class SimulatedInstanceGroup implements InstanceGroup {
  // One class on purpose, though above 400 lines (a third of it contract Javadoc): every method is
  // a short step of one lock-guarded state machine, and splitting it would spread the invariants
  // that the lock protects (size, capacity, draw order) over several classes.

  /** The version this provider reports. */
  public static final String VERSION = "0.1.0";

  private static final double NANOS_PER_HOUR = 3_600e9;

  private final InstantSource clock;
  private final ReentrantLock lock = new ReentrantLock();

  // Guarded by lock. Insertion order is creation order, which is the order update() reports.
  private final Map<String, SimulatedInstance> instances = new LinkedHashMap<>();
  private @Nullable SimulatedOptions options;
  private @Nullable ConnectorConfig connector;
  private SplittableRandom random = new SplittableRandom(0);
  private long nextSequence = 1;
  private int capacityLimit;
  private int injectedCapacityFailures;
  private boolean shutDown;

  /** A group reading time from {@code clock}; call {@link #init} before anything else. */
  public SimulatedInstanceGroup(InstantSource clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A group on the system clock, as the plugin process runs it. */
  public static SimulatedInstanceGroup withSystemClock() {
    return new SimulatedInstanceGroup(InstantSource.system());
  }

  /**
   * Reads the configuration (see {@link SimulatedOptions}) and reports the group.
   *
   * @throws ProviderException.InvalidConfig naming every bad or unknown key
   * @throws IllegalStateException if called twice
   */
  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    SimulatedOptions parsed = SimulatedOptions.fromJson(pluginConfigJson);
    lock.lock();
    try {
      if (options != null) {
        throw new IllegalStateException("init was already called for " + options.name());
      }
      options = parsed;
      connector = completed(settings.connector());
      random = new SplittableRandom(parsed.seed());
      capacityLimit = parsed.capacityLimit();
      return new ProviderInfo(
          "simulated/" + parsed.name(),
          parsed.maxSize(),
          VERSION,
          "in-memory simulated cloud",
          parsed.suspendResume() ? Set.of(Capability.SUSPEND_RESUME) : Set.of());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Every instance the cloud lists, in creation order. An instance whose deletion completed is
   * reported once as {@code deleted}; a lost one is silently omitted.
   */
  @Override
  public List<InstanceStatus> update() {
    lock.lock();
    try {
      Instant now = ready();
      List<InstanceStatus> result = new ArrayList<>(instances.size());
      for (Iterator<SimulatedInstance> it = instances.values().iterator(); it.hasNext(); ) {
        SimulatedInstance instance = it.next();
        instance.settle(now);
        if (instance.lost) {
          it.remove();
          continue;
        }
        result.add(new InstanceStatus(instance.id, instance.state));
        if (instance.state == InstanceState.DELETED) {
          it.remove();
        }
      }
      return result;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Requests up to {@code delta} instances; they are {@code creating} at once. See the class
   * documentation for what happens at the size and capacity limits.
   *
   * @throws IllegalArgumentException if {@code delta} is below 1
   * @throws ProviderException.Capacity if an injected failure is pending, or the capacity limit
   *     leaves no room although {@code max_size} would
   */
  @Override
  public int increase(int delta) {
    if (delta < 1) {
      throw new IllegalArgumentException("delta must be >= 1, was " + delta);
    }
    lock.lock();
    try {
      Instant now = ready();
      SimulatedOptions o = Objects.requireNonNull(options);
      if (injectedCapacityFailures > 0) {
        injectedCapacityFailures--;
        throw new ProviderException.Capacity(
            "simulated capacity error (injected; " + injectedCapacityFailures + " more pending)");
      }
      int live = 0;
      for (SimulatedInstance instance : instances.values()) {
        instance.settle(now);
        live += instance.live() ? 1 : 0;
      }
      int roomBySize = o.maxSize() - live;
      int roomByCapacity = capacityLimit - live;
      int granted = Math.max(0, Math.min(delta, Math.min(roomBySize, roomByCapacity)));
      if (granted == 0 && roomBySize > 0) {
        throw new ProviderException.Capacity(
            "simulated cloud is out of capacity: "
                + live
                + " live instances, capacity limit "
                + capacityLimit);
      }
      for (int i = 0; i < granted; i++) {
        create(now, o);
      }
      return granted;
    } finally {
      lock.unlock();
    }
  }

  private void create(Instant now, SimulatedOptions o) {
    long sequence = nextSequence++;
    Instant readyAt = now.plus(o.createLatency().draw(random));
    boolean bootFails =
        o.bootFailureProbability() > 0 && random.nextDouble() < o.bootFailureProbability();
    Instant lossAt = null;
    if (o.lossRatePerHour() > 0 && !bootFails) {
      // Exponential lifetime: -ln(U) / rate, with U in (0, 1].
      double hours = -Math.log(1.0 - random.nextDouble()) / o.lossRatePerHour();
      double nanos = hours * NANOS_PER_HOUR;
      if (nanos < Long.MAX_VALUE / 2.0) {
        lossAt = readyAt.plus(Duration.ofNanos((long) nanos));
      }
    }
    String id = String.format(Locale.ROOT, "sim-%06d", sequence);
    String address =
        String.format(
            Locale.ROOT,
            "10.%d.%d.%d",
            (sequence >> 16) & 0xff,
            (sequence >> 8) & 0xff,
            sequence & 0xff);
    instances.put(id, new SimulatedInstance(id, address, readyAt, bootFails, lossAt));
  }

  /**
   * Starts deleting exactly the named instances; they stay {@code deleting} for the delete latency.
   * Ids already deleting, gone or never owned are accepted without effect.
   *
   * @return every distinct id of {@code ids}, in order: all are accepted
   */
  @Override
  public List<String> decrease(List<String> ids) {
    lock.lock();
    try {
      Instant now = ready();
      Set<String> accepted = new LinkedHashSet<>();
      for (String id : ids) {
        SimulatedInstance instance = instances.get(id);
        if (instance != null) {
          instance.settle(now);
          if (instance.exists() && instance.state != InstanceState.DELETING) {
            instance.state = InstanceState.DELETING;
            instance.transitionEndsAt =
                now.plus(Objects.requireNonNull(options).deleteLatency().draw(random));
          }
        }
        accepted.add(id);
      }
      return List.copyOf(accepted);
    } finally {
      lock.unlock();
    }
  }

  /**
   * How to reach the instance: the operator's connector configuration and a simulated address.
   *
   * @throws ProviderException.NotFound if the cloud does not hold {@code id}
   */
  @Override
  public ConnectInfo connectInfo(String id) {
    lock.lock();
    try {
      SimulatedInstance instance = existing(id);
      return new ConnectInfo(
          id, Objects.requireNonNull(connector), instance.internalAddr, "", null);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Passes for a healthy instance that the cloud holds.
   *
   * @throws ProviderException.Unhealthy if it is in {@code timeout}, was marked broken, or was lost
   *     and no update has omitted it yet
   * @throws ProviderException.NotFound if the cloud does not hold {@code id}
   */
  @Override
  public void heartbeat(String id) {
    lock.lock();
    try {
      Instant now = ready();
      SimulatedInstance instance = instances.get(id);
      if (instance != null) {
        instance.settle(now);
        if (instance.lost) {
          throw new ProviderException.Unhealthy("instance " + id + " was lost");
        }
      }
      SimulatedInstance held = existing(id);
      if (held.state == InstanceState.TIMEOUT) {
        throw new ProviderException.Unhealthy("instance " + id + " failed to boot");
      }
      if (held.broken) {
        throw new ProviderException.Unhealthy("instance " + id + " is broken");
      }
    } finally {
      lock.unlock();
    }
  }

  /** Marks the group closed. Instances stay in the cloud (see {@link #snapshot}). Idempotent. */
  @Override
  public void shutdown() {
    lock.lock();
    try {
      shutDown = true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Suspends running instances: {@code suspending} for the suspend latency, then {@code suspended}.
   * Ids already suspending or suspended are accepted; others (unknown, not running) are not.
   *
   * @throws ProviderException.Unsupported unless {@code suspend_resume} is configured
   */
  @Override
  public List<String> suspend(List<String> ids) {
    return transition(
        ids,
        "suspend",
        InstanceState.RUNNING,
        InstanceState.SUSPENDING,
        InstanceState.SUSPENDED,
        true);
  }

  /**
   * Resumes suspended instances: {@code resuming} for the resume latency, then {@code running}. Ids
   * already resuming or running are accepted; others are not.
   *
   * @throws ProviderException.Unsupported unless {@code suspend_resume} is configured
   */
  @Override
  public List<String> resume(List<String> ids) {
    return transition(
        ids,
        "resume",
        InstanceState.SUSPENDED,
        InstanceState.RESUMING,
        InstanceState.RUNNING,
        false);
  }

  private List<String> transition(
      List<String> ids,
      String operation,
      InstanceState from,
      InstanceState via,
      InstanceState to,
      boolean suspending) {
    lock.lock();
    try {
      Instant now = ready();
      SimulatedOptions o = Objects.requireNonNull(options);
      if (!o.suspendResume()) {
        throw new ProviderException.Unsupported(
            operation + " is not enabled (set suspend_resume in the plugin config)");
      }
      Set<String> accepted = new LinkedHashSet<>();
      for (String id : ids) {
        SimulatedInstance instance = instances.get(id);
        if (instance == null) {
          continue;
        }
        instance.settle(now);
        if (!instance.exists()) {
          continue;
        }
        if (instance.state == from) {
          instance.state = via;
          Duration latency = (suspending ? o.suspendLatency() : o.resumeLatency()).draw(random);
          instance.transitionEndsAt = now.plus(latency);
          // A random loss belongs to the first run only; a resumed instance is not lost again.
          instance.lossAt = null;
          accepted.add(id);
        } else if (instance.state == via || instance.state == to) {
          accepted.add(id);
        }
      }
      return List.copyOf(accepted);
    } finally {
      lock.unlock();
    }
  }

  // ---- Controls for tests and the simulator: they act as the cloud, not as the scaler. ----

  /**
   * What the cloud holds now, in creation order, without the once-only {@code deleted} reports and
   * without lost instances. Works before {@link #init} and after {@link #shutdown}, and changes
   * nothing that {@link #update} would report.
   */
  public List<InstanceStatus> snapshot() {
    lock.lock();
    try {
      Instant now = clock.instant();
      List<InstanceStatus> result = new ArrayList<>();
      for (SimulatedInstance instance : instances.values()) {
        instance.settle(now);
        if (instance.exists()) {
          result.add(new InstanceStatus(instance.id, instance.state));
        }
      }
      return result;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The earliest instant after now at which the cloud changes by itself: a boot, deletion,
   * suspension or resume ends, or a random loss strikes; null when nothing is under way. A
   * discrete-event driver steps its clock to this instant to see every change when it happens.
   * Works before {@link #init} and after {@link #shutdown}, and changes nothing that {@link
   * #update} would report.
   */
  public @Nullable Instant nextTransitionAt() {
    lock.lock();
    try {
      Instant now = clock.instant();
      Instant next = null;
      for (SimulatedInstance instance : instances.values()) {
        instance.settle(now);
        Instant at = instance.nextChangeAfter(now);
        if (at != null && (next == null || at.isBefore(next))) {
          next = at;
        }
      }
      return next;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes an instance vanish now, as a reclaimed spot VM does: the next {@link #update} no longer
   * lists it, and until then its heartbeat reports it unhealthy.
   *
   * @return whether the cloud held the instance
   */
  public boolean loseInstance(String id) {
    lock.lock();
    try {
      SimulatedInstance instance = instances.get(id);
      if (instance == null) {
        return false;
      }
      instance.settle(clock.instant());
      if (!instance.exists()) {
        return false;
      }
      instance.lost = true;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Marks an instance broken: it stays listed in its state, but {@link #heartbeat} reports it
   * unhealthy from now on.
   *
   * @return whether the cloud held the instance
   */
  public boolean breakInstance(String id) {
    lock.lock();
    try {
      SimulatedInstance instance = instances.get(id);
      if (instance == null || !instance.exists()) {
        return false;
      }
      instance.broken = true;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes the next {@code count} calls to {@link #increase} throw {@link
   * ProviderException.Capacity} without requesting anything. Replaces any earlier count.
   *
   * @throws IllegalArgumentException if {@code count} is negative
   */
  public void failNextIncreases(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, was " + count);
    }
    lock.lock();
    try {
      injectedCapacityFailures = count;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Changes the capacity limit from now on (a stock-out starting or ending); existing instances are
   * kept. {@link SimulatedOptions#UNLIMITED} removes the limit.
   *
   * @throws IllegalArgumentException if {@code limit} is negative
   */
  public void setCapacityLimit(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("capacity limit must be >= 0, was " + limit);
    }
    lock.lock();
    try {
      capacityLimit = limit;
    } finally {
      lock.unlock();
    }
  }

  // ---- Internals; all called with the lock held. ----

  private Instant ready() {
    if (options == null) {
      throw new IllegalStateException("init has not been called");
    }
    if (shutDown) {
      throw new IllegalStateException("group simulated/" + options.name() + " was shut down");
    }
    return clock.instant();
  }

  private SimulatedInstance existing(String id) {
    Instant now = ready();
    SimulatedInstance instance = instances.get(id);
    if (instance != null) {
      instance.settle(now);
    }
    if (instance == null || !instance.exists()) {
      throw new ProviderException.NotFound("no instance " + id + " in this simulated group");
    }
    return instance;
  }

  private static ConnectorConfig completed(ConnectorConfig c) {
    return new ConnectorConfig(
        c.os().isEmpty() ? "linux" : c.os(),
        c.arch().isEmpty() ? "amd64" : c.arch(),
        c.protocol(),
        c.protocolPort(),
        c.username().isEmpty() ? "fleetscaler" : c.username(),
        c.password(),
        c.privateKey(),
        c.useStaticCredentials(),
        c.keepalive(),
        c.timeout());
  }
}
