package io.fleetscaler.plugin.azure;

import com.azure.resourcemanager.compute.fluent.models.VirtualMachineScaleSetInner;
import com.azure.resourcemanager.compute.models.OperatingSystemTypes;
import com.azure.resourcemanager.compute.models.OrchestrationMode;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * An {@link InstanceGroup} over one Azure virtual machine scale set, Uniform or Flexible, on the
 * Azure Resource Manager SDK: the scaler grows the set by raising {@code sku.capacity} and shrinks
 * it by deleting exactly the VMs it names ({@code VirtualMachineScaleSets_DeleteInstances}, which
 * also lowers the capacity, so nothing is replaced and Azure's scale-in policy never picks a
 * victim). A VM whose provisioning ended {@code Failed} is reported as {@code timeout}, so the
 * scaler deletes and replaces it. Suspend and resume deallocate and start VMs.
 *
 * <p>Init refuses a scale set that something else would steer too: an enabled Azure autoscale
 * setting on it, overprovisioning (a Uniform scale set's default), or automatic instance repairs.
 *
 * <p>When Azure Resource Manager reports fewer remaining writes than {@link
 * AzureTuning#writeReserve()} ({@code x-ms-ratelimit-remaining-*} headers), {@link #increase}
 * refuses as {@link ProviderException.Unavailable}, so the scaler's backoff holds scale-out until
 * the window refills instead of the plugin spending the last writes that deletions need.
 *
 * <p>Threading as the SPI says: {@link #connectInfo} and {@link #heartbeat} are thread-safe; the
 * other methods are called from one thread at a time.
 */
public final class AzureInstanceGroup implements InstanceGroup {

  /** The plugin's version, reported in {@link ProviderInfo}. */
  public static final String VERSION = "0.1.0";

  /** The most VMs a scale set holds (Uniform with a platform image, and Flexible). */
  static final int MAX_SIZE = 1000;

  private static final Logger LOG = System.getLogger("plugin.azure");
  private static final Duration WARNING_INTERVAL = Duration.ofMinutes(1);

  private final Clock clock;
  private final AzureTuning tuning;
  private final AtomicLong writeThrottles = new AtomicLong();
  private final AtomicLong capacityDrifts = new AtomicLong();
  private final AtomicReference<Instant> lastThrottleLog = new AtomicReference<>(Instant.MIN);

  private volatile @Nullable Session session;
  private volatile boolean shutDown;
  // The capacity this group last set or saw; -1 when unknown. Single-threaded methods only.
  private volatile long expectedCapacity = -1;

  /** What exists between a successful init and shutdown. */
  private record Session(
      AzureConfig config, AzureClients clients, ScaleSet scaleSet, ConnectInfoLookup connect) {}

  /** A group on the system clock with the production retry and polling settings. */
  public AzureInstanceGroup() {
    this(Clock.systemUTC(), AzureTuning.defaults());
  }

  AzureInstanceGroup(Clock clock, AzureTuning tuning) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.tuning = Objects.requireNonNull(tuning, "tuning");
  }

  /**
   * Reads {@code plugin_config}, builds the SDK clients, gets the scale set and learns its
   * orchestration mode, capacity and OS.
   *
   * @throws ProviderException.InvalidConfig naming the key or the scale set's setting at fault, or
   *     the role the identity lacks
   * @throws ProviderException.Unavailable if Azure could not be reached
   */
  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    if (session != null || shutDown) {
      throw new IllegalStateException("init was already called on this azure group");
    }
    AzureConfig config = AzureConfigReader.read(pluginConfigJson);
    AzureClients clients = AzureClients.open(config, tuning);
    VirtualMachineScaleSetInner vmss;
    try {
      vmss = ScaleSet.get(clients, config);
    } catch (ProviderException.NotFound e) {
      throw new ProviderException.InvalidConfig(
          "name: no scale set '"
              + config.name()
              + "' in resource group '"
              + config.resourceGroupName()
              + "' of subscription "
              + config.subscriptionId()
              + " ("
              + e.getMessage()
              + ")");
    }
    boolean flexible = OrchestrationMode.FLEXIBLE.equals(vmss.orchestrationMode());
    refuseFightingSettings(config, vmss, flexible);
    new AutoscaleCheck(clients, config).refuseIfEnabled();
    long capacity = capacity(vmss);
    expectedCapacity = capacity;
    ScaleSet scaleSet = new ScaleSet(clients, config, tuning, flexible);
    session =
        new Session(
            config,
            clients,
            scaleSet,
            new ConnectInfoLookup(clients, config, scaleSet, settings.connector()));
    String mode = flexible ? "Flexible" : "Uniform";
    String os = os(vmss);
    LOG.log(
        Level.INFO,
        "azure: scale set {0} in {1}: {2} orchestration, {3}, capacity {4}",
        config.name(),
        config.resourceGroupName(),
        mode,
        os,
        capacity);
    return new ProviderInfo(
        "azure/" + config.subscriptionId() + "/" + config.resourceGroupName() + "/" + config.name(),
        MAX_SIZE,
        VERSION,
        "azure-resourcemanager-compute; " + mode + " orchestration; " + os,
        Set.of(Capability.SUSPEND_RESUME));
  }

  /** Every VM of the scale set with its state; see {@link VmStates}. */
  @Override
  public List<InstanceStatus> update() {
    Session s = session();
    Map<String, InstanceStatus> byId = new LinkedHashMap<>();
    for (Vm vm : s.scaleSet().list()) {
      byId.putIfAbsent(vm.id(), new InstanceStatus(vm.id(), vm.state()));
    }
    return List.copyOf(byId.values());
  }

  /**
   * Raises {@code sku.capacity} by {@code delta}, clamped to {@link #MAX_SIZE}, conditional on the
   * scale set's etag, and awaits the update within the bound.
   *
   * @return how many more VMs were requested: 0 when the scale set is full
   * @throws ProviderException.Unavailable when Azure has few writes left for this window
   */
  @Override
  public int increase(int delta) {
    if (delta < 1) {
      throw new IllegalArgumentException("delta must be >= 1, was " + delta);
    }
    Session s = session();
    refuseWhenWritesRunLow(s);
    VirtualMachineScaleSetInner vmss = s.scaleSet().get();
    long current = capacity(vmss);
    noteDrift(s.config().name(), current);
    long target = Math.min((long) MAX_SIZE, current + delta);
    if (target <= current) {
      return 0;
    }
    try {
      s.scaleSet().setCapacity(vmss, target);
    } catch (ProviderException e) {
      expectedCapacity = -1;
      throw e;
    }
    expectedCapacity = target;
    return (int) (target - current);
  }

  /**
   * Deletes exactly the named VMs with one {@code VirtualMachineScaleSets_DeleteInstances} call,
   * which lowers the capacity with them. An id the scale set no longer lists, or lists as deleting,
   * is accepted without a call.
   */
  @Override
  public List<String> decrease(List<String> ids) {
    Session s = session();
    if (ids.isEmpty()) {
      return List.of();
    }
    Map<String, Vm> listed = new LinkedHashMap<>();
    for (Vm vm : s.scaleSet().list()) {
      listed.put(vm.id(), vm);
    }
    List<String> toDelete = new ArrayList<>();
    for (String id : new LinkedHashSet<>(ids)) {
      Vm vm = listed.get(id);
      if (vm != null && vm.state() != InstanceState.DELETING) {
        toDelete.add(id);
      }
    }
    if (!toDelete.isEmpty()) {
      expectedCapacity = -1;
      s.scaleSet().deleteInstances(toDelete);
    }
    return List.copyOf(new LinkedHashSet<>(ids));
  }

  @Override
  public ConnectInfo connectInfo(String id) {
    return session().connect().connectInfo(id);
  }

  /**
   * Passes while the VM belongs to the scale set and its provisioning has not failed.
   *
   * @throws ProviderException.Unhealthy if its provisioning failed or it is being deleted
   * @throws ProviderException.NotFound if the scale set has no such VM
   */
  @Override
  public void heartbeat(String id) {
    Session s = session();
    Vm vm =
        s.scaleSet()
            .find(id)
            .orElseThrow(
                () ->
                    new ProviderException.NotFound(
                        "no VM " + id + " in scale set " + s.config().name()));
    switch (vm.state()) {
      case TIMEOUT ->
          throw new ProviderException.Unhealthy(
              "VM " + id + " has provisioningState " + vm.provisioningState());
      case DELETING, DELETED -> throw new ProviderException.Unhealthy("VM " + id + " is deleting");
      default -> {}
    }
  }

  /** Deallocates the named VMs ({@code VirtualMachineScaleSets_Deallocate}). */
  @Override
  public List<String> suspend(List<String> ids) {
    Session s = session();
    if (ids.isEmpty()) {
      return List.of();
    }
    List<String> unique = List.copyOf(new LinkedHashSet<>(ids));
    s.scaleSet().deallocate(unique);
    return unique;
  }

  /** Starts the named VMs ({@code VirtualMachineScaleSets_Start}). */
  @Override
  public List<String> resume(List<String> ids) {
    Session s = session();
    if (ids.isEmpty()) {
      return List.of();
    }
    List<String> unique = List.copyOf(new LinkedHashSet<>(ids));
    s.scaleSet().start(unique);
    return unique;
  }

  /** Forgets the clients. Never deletes VMs. Idempotent. */
  @Override
  public void shutdown() {
    shutDown = true;
    session = null;
  }

  /** How many times increase refused because Azure had few writes left. */
  public long writeThrottles() {
    return writeThrottles.get();
  }

  /** How many times the capacity was found different from what this group last set. */
  public long capacityDrifts() {
    return capacityDrifts.get();
  }

  /** The latest {@code x-ms-ratelimit-remaining-*} counts by bucket; empty before init. */
  public Map<String, Integer> rateLimitsRemaining() {
    Session s = session;
    return s == null ? Map.of() : s.clients().limits().snapshot();
  }

  private Session session() {
    Session s = session;
    if (s == null) {
      throw new IllegalStateException(
          shutDown ? "this azure group was shut down" : "init was not called on this azure group");
    }
    return s;
  }

  private void refuseWhenWritesRunLow(Session s) {
    OptionalInt left = s.clients().limits().remainingWrites();
    if (left.isEmpty() || left.getAsInt() >= tuning.writeReserve()) {
      return;
    }
    writeThrottles.incrementAndGet();
    String message =
        "azure: Resource Manager reports "
            + left.getAsInt()
            + " writes left in this window (x-ms-ratelimit-remaining-*), below the reserve of "
            + tuning.writeReserve()
            + ": scale-out waits for the window to refill";
    Instant now = clock.instant();
    Instant last = lastThrottleLog.get();
    if (!now.isBefore(last.plus(WARNING_INTERVAL)) && lastThrottleLog.compareAndSet(last, now)) {
      LOG.log(Level.WARNING, message);
    }
    throw new ProviderException.Unavailable(message);
  }

  private void noteDrift(String name, long capacity) {
    long expected = expectedCapacity;
    if (expected >= 0 && capacity != expected) {
      capacityDrifts.incrementAndGet();
      LOG.log(
          Level.WARNING,
          "azure: capacity of scale set {0} is {1}, but Fleetscaler last set {2}: something else"
              + " changes it (an operator, autoscale, a deployment)",
          name,
          capacity,
          expected);
    }
    expectedCapacity = capacity;
  }

  private static void refuseFightingSettings(
      AzureConfig config, VirtualMachineScaleSetInner vmss, boolean flexible) {
    List<String> problems = new ArrayList<>();
    if (!flexible && !Boolean.FALSE.equals(vmss.overprovision())) {
      problems.add(
          "overprovision is "
              + (vmss.overprovision() == null
                  ? "not set (Uniform scale sets default to true)"
                  : "true")
              + ": Azure would start extra VMs and delete VMs of its choice; set it to false"
              + " (az vmss update --set overprovision=false)");
    }
    if (vmss.automaticRepairsPolicy() != null
        && Boolean.TRUE.equals(vmss.automaticRepairsPolicy().enabled())) {
      problems.add(
          "automaticRepairsPolicy.enabled is true: Azure would delete and recreate VMs the scaler"
              + " owns; disable automatic instance repairs (the scaler replaces failed VMs)");
    }
    if (!problems.isEmpty()) {
      throw new ProviderException.InvalidConfig(
          "azure scale set " + config.name() + ": " + String.join("; ", problems));
    }
  }

  private static long capacity(VirtualMachineScaleSetInner vmss) {
    return vmss.sku() == null || vmss.sku().capacity() == null ? 0 : vmss.sku().capacity();
  }

  private static String os(VirtualMachineScaleSetInner vmss) {
    var profile = vmss.virtualMachineProfile();
    if (profile != null
        && profile.storageProfile() != null
        && profile.storageProfile().osDisk() != null
        && profile.storageProfile().osDisk().osType() != null) {
      return OperatingSystemTypes.WINDOWS.equals(profile.storageProfile().osDisk().osType())
          ? "windows"
          : "linux";
    }
    if (profile != null
        && profile.osProfile() != null
        && profile.osProfile().windowsConfiguration() != null) {
      return "windows";
    }
    return "linux";
  }
}
