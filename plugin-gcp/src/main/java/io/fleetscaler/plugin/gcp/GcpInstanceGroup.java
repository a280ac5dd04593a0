package io.fleetscaler.plugin.gcp;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.InstanceGroupManager;
import com.google.cloud.compute.v1.ManagedInstance;
import com.google.cloud.compute.v1.ManagedInstanceLastAttempt;
import com.google.cloud.compute.v1.Operation;
import io.fleetscaler.plugin.api.Capability;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An {@link InstanceGroup} over one Compute Engine managed instance group, zonal or regional, on
 * the {@code google-cloud-compute} client. The scaler grows the group with {@code resize} and
 * shrinks it with {@code deleteInstances}, which deletes exactly the named VMs and lowers the
 * target size so nothing replaces them; it never resizes down, since Google would pick the victims.
 *
 * <p>The group must not have a Compute autoscaler attached (it would fight the scaler); {@link
 * #init} refuses it. Creation errors Google reports in a managed instance's {@code lastAttempt}
 * turn that instance {@code timeout} and are logged once per instance, with Google's message.
 *
 * <p>Threading as the SPI says: {@link #connectInfo} and {@link #heartbeat} are thread-safe and may
 * run alongside anything; the other methods are called from one thread at a time. Calls before
 * {@link #init} or after {@link #shutdown} throw {@link IllegalStateException}.
 */
public final class GcpInstanceGroup implements InstanceGroup {

  /** The plugin's version, reported in {@link ProviderInfo}. */
  public static final String VERSION = "0.1.0";

  /** The most instances a zonal group holds; a regional group holds twice as many. */
  static final int ZONAL_MAX_SIZE = 1000;

  private static final Logger LOG = System.getLogger("plugin.gcp");

  private final Clock clock;
  private final GcpTuning tuning;
  private final Set<String> creationErrorsLogged = ConcurrentHashMap.newKeySet();

  private volatile @Nullable Session session;
  private volatile boolean shutDown;

  /** What exists between a successful init and shutdown. */
  private record Session(
      GcpConfig config,
      GcpClients clients,
      OperationWaiter waiter,
      ConnectInfoLookup connect,
      int maxSize) {}

  /** A group on the system clock with the production timeouts. */
  public GcpInstanceGroup() {
    this(Clock.systemUTC(), GcpTuning.defaults());
  }

  GcpInstanceGroup(Clock clock, GcpTuning tuning) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.tuning = Objects.requireNonNull(tuning, "tuning");
  }

  /**
   * Reads {@code plugin_config} (see {@link GcpConfigReader}), builds the clients, gets the group
   * and checks that no Compute autoscaler is attached to it.
   *
   * @throws ProviderException.InvalidConfig naming the key, or saying why Google refused
   * @throws ProviderException.Unavailable if Google could not be reached
   */
  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    if (session != null || shutDown) {
      throw new IllegalStateException("init was already called on this gcp group");
    }
    GcpConfig config = GcpConfigReader.read(pluginConfigJson);
    GcpClients clients = GcpClients.open(config, tuning);
    try {
      InstanceGroupManager group = getGroup(clients.mig(), config);
      String autoscaler = group.getStatus().getAutoscaler();
      if (!autoscaler.isEmpty()) {
        throw new ProviderException.InvalidConfig(
            "name: managed instance group "
                + config.name()
                + " has the Compute autoscaler "
                + autoscaler
                + " attached; it would fight Fleetscaler over the group's size. Delete the"
                + " autoscaler (gcloud compute instance-groups managed stop-autoscaling)");
      }
      OperationWaiter waiter = new OperationWaiter(clock, tuning);
      int maxSize = config.location().regional() ? 2 * ZONAL_MAX_SIZE : ZONAL_MAX_SIZE;
      session =
          new Session(
              config,
              clients,
              waiter,
              new ConnectInfoLookup(clients, waiter, config, settings.connector(), clock, tuning),
              maxSize);
      LOG.log(
          Level.INFO,
          "gcp: group {0} in {1} of {2}: target size {3}",
          config.name(),
          config.location().path(),
          config.project(),
          group.getTargetSize());
      return new ProviderInfo(
          "gcp/" + config.project() + "/" + config.location().name() + "/" + config.name(),
          maxSize,
          VERSION,
          "google-cloud-compute",
          Set.of(Capability.SUSPEND_RESUME));
    } catch (RuntimeException e) {
      clients.close();
      throw e;
    }
  }

  /** Every managed instance, from all pages of {@code listManagedInstances}. */
  @Override
  public List<InstanceStatus> update() {
    Session s = session();
    List<ManagedInstance> listed;
    try {
      listed = s.clients().mig().listManagedInstances();
    } catch (ApiException e) {
      throw GcpErrors.map("listManagedInstances", e);
    }
    Map<String, InstanceStatus> byId = new LinkedHashMap<>();
    for (ManagedInstance m : listed) {
      Optional<InstanceRef> ref = InstanceRef.ofUrl(m.getInstance());
      if (ref.isEmpty()) {
        continue; // No VM name yet; Compute names every VM it creates in a managed group.
      }
      String id = ref.get().id();
      boolean failed = lastAttemptFailed(m);
      InstanceState state = ManagedStates.map(m.getCurrentAction(), m.getInstanceStatus(), failed);
      if (state == InstanceState.TIMEOUT && creationErrorsLogged.add(id)) {
        LOG.log(
            Level.WARNING,
            "gcp: Compute cannot create instance {0} of group {1}: {2}",
            id,
            s.config().name(),
            describe(m.getLastAttempt()));
      }
      byId.putIfAbsent(id, new InstanceStatus(id, state));
    }
    creationErrorsLogged.retainAll(byId.keySet());
    return List.copyOf(byId.values());
  }

  /**
   * Raises the target size by {@code delta} with {@code resize}, clamped to the group's maximum,
   * and waits for the operation.
   *
   * @return how many more instances were requested: 0 when the group is full
   */
  @Override
  public int increase(int delta) {
    if (delta < 1) {
      throw new IllegalArgumentException("delta must be >= 1, was " + delta);
    }
    Session s = session();
    int current = getGroup(s.clients().mig(), s.config()).getTargetSize();
    int target = (int) Math.min((long) s.maxSize(), (long) current + delta);
    if (target <= current) {
      return 0;
    }
    run(s, "resize", mig -> mig.resize(target));
    return target - current;
  }

  /**
   * Deletes exactly the named instances with {@code deleteInstances} and {@code
   * skipInstancesOnValidationError}, which lowers the target size so nothing replaces them. Ids of
   * instances not (or no longer) in the group are skipped by Google and count as accepted.
   */
  @Override
  public List<String> decrease(List<String> ids) {
    Session s = session();
    if (ids.isEmpty()) {
      return List.of();
    }
    List<String> urls = new ArrayList<>();
    for (String id : ids) {
      InstanceRef.ofId(id).ifPresent(ref -> urls.add(ref.url()));
    }
    if (!urls.isEmpty()) {
      run(s, "deleteInstances", mig -> mig.deleteInstances(urls));
    }
    return List.copyOf(ids);
  }

  @Override
  public ConnectInfo connectInfo(String id) {
    return session().connect().connectInfo(id);
  }

  /**
   * Passes while the VM is provisioning, staging or running.
   *
   * @throws ProviderException.Unhealthy if it is stopping, stopped, suspended or being repaired
   * @throws ProviderException.NotFound if it is not (or no longer) in this group
   */
  @Override
  public void heartbeat(String id) {
    Session s = session();
    Instance instance = s.connect().describe(ConnectInfoLookup.ref(id));
    switch (instance.getStatus()) {
      case "PROVISIONING", "STAGING", "RUNNING" -> {}
      default ->
          throw new ProviderException.Unhealthy(
              "instance " + id + " is " + instance.getStatus() + " in Compute");
    }
  }

  /**
   * Suspends the named instances: {@code suspendInstances}, or {@code stopInstances} with {@code
   * suspend_mode = "stop"}. They stay in the group (its target size is unchanged).
   */
  @Override
  public List<String> suspend(List<String> ids) {
    Session s = session();
    boolean stop = s.config().suspendMode() == GcpConfig.SuspendMode.STOP;
    return onInstances(
        s,
        stop ? "stopInstances" : "suspendInstances",
        ids,
        (mig, urls) -> stop ? mig.stopInstances(urls) : mig.suspendInstances(urls));
  }

  /** Resumes suspended instances: {@code resumeInstances}, or {@code startInstances}. */
  @Override
  public List<String> resume(List<String> ids) {
    Session s = session();
    boolean stop = s.config().suspendMode() == GcpConfig.SuspendMode.STOP;
    return onInstances(
        s,
        stop ? "startInstances" : "resumeInstances",
        ids,
        (mig, urls) -> stop ? mig.startInstances(urls) : mig.resumeInstances(urls));
  }

  /** Closes the clients. Never deletes instances. Idempotent. */
  @Override
  public void shutdown() {
    shutDown = true;
    Session s = session;
    session = null;
    if (s != null) {
      s.clients().close();
    }
  }

  private interface BulkCall {
    Operation call(Mig mig, List<String> urls);
  }

  private List<String> onInstances(Session s, String call, List<String> ids, BulkCall bulk) {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<String> accepted = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    for (String id : ids) {
      Optional<InstanceRef> ref = InstanceRef.ofId(id);
      if (ref.isPresent()) {
        accepted.add(id);
        urls.add(ref.get().url());
      }
    }
    if (!urls.isEmpty()) {
      run(s, call, mig -> bulk.call(mig, urls));
    }
    return List.copyOf(accepted);
  }

  /** Starts a group operation and waits for it, mapping every failure. */
  private static void run(Session s, String call, Function<Mig, Operation> start) {
    Mig mig = s.clients().mig();
    Operation started;
    try {
      started = start.apply(mig);
    } catch (ApiException e) {
      throw GcpErrors.map(call, e);
    }
    s.waiter().await(call, started, mig::operation);
  }

  private Session session() {
    Session s = session;
    if (s == null) {
      throw new IllegalStateException(
          shutDown ? "this gcp group was shut down" : "init was not called on this gcp group");
    }
    return s;
  }

  private static InstanceGroupManager getGroup(Mig mig, GcpConfig config) {
    try {
      return mig.get();
    } catch (ApiException e) {
      if (GcpErrors.isNotFound(e)) {
        throw new ProviderException.InvalidConfig(
            "name: no managed instance group '"
                + config.name()
                + "' in "
                + config.location().path()
                + " of project "
                + config.project(),
            e);
      }
      throw GcpErrors.map("get", e);
    }
  }

  private static boolean lastAttemptFailed(ManagedInstance m) {
    return m.hasLastAttempt()
        && m.getLastAttempt().hasErrors()
        && m.getLastAttempt().getErrors().getErrorsCount() > 0;
  }

  private static String describe(ManagedInstanceLastAttempt attempt) {
    StringBuilder out = new StringBuilder();
    for (var e : attempt.getErrors().getErrorsList()) {
      if (out.length() > 0) {
        out.append("; ");
      }
      out.append(e.getCode()).append(": ").append(e.getMessage());
    }
    return out.toString();
  }
}
