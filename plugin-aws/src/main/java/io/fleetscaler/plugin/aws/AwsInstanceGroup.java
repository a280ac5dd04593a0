package io.fleetscaler.plugin.aws;

import io.fleetscaler.plugin.api.Capability;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.api.InstanceStatus;
import io.fleetscaler.plugin.api.ProviderException;
import io.fleetscaler.plugin.api.ProviderInfo;
import io.fleetscaler.plugin.api.Settings;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.util.VersionInfo;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingInstanceDetails;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * An {@link InstanceGroup} over one EC2 Auto Scaling group, on AWS SDK for Java v2: the scaler
 * grows the group with {@code SetDesiredCapacity} and shrinks it by terminating exactly the
 * instances it names (see {@link Terminations}); Auto Scaling launches and tracks the instances.
 *
 * <p>The group must protect new instances from scale-in and have {@code AZRebalance} suspended, or
 * AWS itself may terminate instances that run jobs; {@link #init} logs a warning and counts it
 * ({@link #scaleInProtectionWarnings()}, {@link #azRebalanceWarnings()}) when it does not. When the
 * desired capacity differs from the last value this group set or saw, {@link #update} logs it and
 * counts it ({@link #desiredCapacityDrifts()}): someone else (an operator, a scaling policy, a
 * minimum size) is steering the group too.
 *
 * <p>Declares {@link Capability#SUSPEND_RESUME}: {@link #suspend} puts instances in Auto Scaling's
 * standby and stops them, {@link #resume} starts them and puts them back in service (see {@link
 * Suspensions}). Instances in standby do not count in the desired capacity, but they do count
 * against the group's maximum size here: {@link #increase} leaves room for every one of them to
 * come back.
 *
 * <p>Threading as the SPI says: {@link #connectInfo} and {@link #heartbeat} are thread-safe and may
 * run alongside anything; the other methods are called from one thread at a time. Calls before
 * {@link #init} or after {@link #shutdown} throw {@link IllegalStateException}.
 */
public final class AwsInstanceGroup implements InstanceGroup {

  /** The plugin's version, reported in {@link ProviderInfo}. */
  public static final String VERSION = "0.1.0";

  private static final Logger LOG = System.getLogger("plugin.aws");

  private final Clock clock;
  private final AwsTuning tuning;
  private final GroupWatch watch = new GroupWatch();

  private volatile @Nullable Session session;
  private volatile boolean shutDown;

  /** What exists between a successful init and shutdown. */
  private record Session(
      AwsConfig config,
      AwsClients clients,
      ConnectInfoLookup connect,
      Terminations terminations,
      Suspensions suspensions) {}

  // Instances in standby (suspended or on the way), as the last update, suspend or resume saw them:
  // decrease terminates those without decrementing the desired capacity.
  private final Set<String> standby = ConcurrentHashMap.newKeySet();

  /** A group on the system clock with the production retry settings. */
  public AwsInstanceGroup() {
    this(Clock.systemUTC(), AwsTuning.defaults());
  }

  AwsInstanceGroup(Clock clock, AwsTuning tuning) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.tuning = Objects.requireNonNull(tuning, "tuning");
  }

  /**
   * Reads {@code plugin_config} (keys {@code name}, {@code region}, {@code profile}, {@code
   * config_file}, {@code credentials_file}, {@code endpoint}), builds the SDK clients and checks
   * that exactly one group of that name exists.
   *
   * @throws ProviderException.InvalidConfig naming the key, or saying why AWS refused
   * @throws ProviderException.Unavailable if AWS could not be reached
   */
  @Override
  public ProviderInfo init(Settings settings, String pluginConfigJson) {
    if (session != null || shutDown) {
      throw new IllegalStateException("init was already called on this aws group");
    }
    AwsConfig config = AwsConfigReader.read(pluginConfigJson);
    AwsClients clients = AwsClients.open(config, tuning);
    try {
      AutoScalingGroup group = GroupWatch.describe(clients, config.name());
      watch.checkSetup(group);
      watch.expect(group.desiredCapacity());
      session =
          new Session(
              config,
              clients,
              new ConnectInfoLookup(
                  clients.ec2(),
                  clients.instanceConnect(),
                  config.name(),
                  settings.connector(),
                  clock),
              new Terminations(
                  clients.terminator(), clients.autoScaling(), config.name(), tuning, LOG),
              new Suspensions(
                  clients.autoScaling(),
                  clients.ec2(),
                  config.name(),
                  config.suspendMode(),
                  tuning,
                  LOG));
      LOG.log(
          Level.INFO,
          "aws: group {0} in {1}: desired {2}, max {3}",
          config.name(),
          clients.region().id(),
          group.desiredCapacity(),
          group.maxSize());
      return new ProviderInfo(
          "aws/" + clients.region().id() + "/" + config.name(),
          group.maxSize(),
          VERSION,
          "aws-sdk-java " + VersionInfo.SDK_VERSION,
          Set.of(Capability.SUSPEND_RESUME));
    } catch (RuntimeException e) {
      clients.close();
      throw e;
    }
  }

  /**
   * Every instance of the group, from all pages of {@code DescribeAutoScalingGroups}; when some are
   * in standby, one EC2 {@code DescribeInstances} of those tells suspended (stopped) from
   * suspending and resuming (see {@link
   * LifecycleStates#standby(software.amazon.awssdk.services.ec2.model.InstanceStateName,
   * boolean)}).
   */
  @Override
  public List<InstanceStatus> update() {
    Session s = session();
    AutoScalingGroup group = GroupWatch.describe(s.clients(), s.config().name());
    watch.noteDrift(s.config().name(), group.desiredCapacity());
    List<String> inStandby =
        group.instances().stream()
            .filter(i -> "Standby".equals(i.lifecycleStateAsString()))
            .map(i -> i.instanceId())
            .distinct()
            .toList();
    Map<String, Instance> ec2 =
        inStandby.isEmpty() ? Map.of() : Ec2Instances.describe(s.clients().ec2(), inStandby);
    Map<String, InstanceStatus> byId = new LinkedHashMap<>();
    Set<String> nowStandby = new java.util.HashSet<>();
    for (var instance : group.instances()) {
      String id = instance.instanceId();
      var state = LifecycleStates.map(instance.lifecycleStateAsString(), instance.healthStatus());
      if (LifecycleStates.standby(instance.lifecycleStateAsString())) {
        nowStandby.add(id);
      }
      if ("Standby".equals(instance.lifecycleStateAsString())) {
        Instance e = ec2.get(id);
        state =
            LifecycleStates.standby(
                e == null || e.state() == null ? null : e.state().name(),
                s.suspensions().resuming(id));
      }
      byId.putIfAbsent(id, new InstanceStatus(id, state));
    }
    standby.retainAll(nowStandby);
    standby.addAll(nowStandby);
    return List.copyOf(byId.values());
  }

  /**
   * Raises the desired capacity by {@code delta} with {@code HonorCooldown=false}, clamped to the
   * group's maximum size as AWS reports it now, less the instances in standby (so that each of them
   * can be resumed, which raises the desired capacity again).
   *
   * @return how many more instances were requested: 0 when the group is at its maximum
   */
  @Override
  public int increase(int delta) {
    if (delta < 1) {
      throw new IllegalArgumentException("delta must be >= 1, was " + delta);
    }
    Session s = session();
    String name = s.config().name();
    AutoScalingGroup group = GroupWatch.describe(s.clients(), name);
    watch.noteDrift(name, group.desiredCapacity());
    int current = group.desiredCapacity();
    long inStandby =
        group.instances().stream()
            .filter(i -> LifecycleStates.standby(i.lifecycleStateAsString()))
            .count();
    int target = (int) Math.min(group.maxSize() - inStandby, (long) current + delta);
    if (target <= current) {
      return 0;
    }
    try {
      s.clients()
          .autoScaling()
          .setDesiredCapacity(
              r -> r.autoScalingGroupName(name).desiredCapacity(target).honorCooldown(false));
    } catch (SdkException | UncheckedIOException e) {
      // The SDK retried; whether the last attempt applied is unknown, so stop expecting a value.
      watch.forget();
      throw AwsErrors.map("SetDesiredCapacity", e);
    }
    watch.expect(target);
    return target - current;
  }

  /**
   * Terminates exactly the named instances, each with {@code ShouldDecrementDesiredCapacity=true};
   * see {@link Terminations}. An instance already terminating or gone counts as accepted.
   *
   * @return the accepted ids; a subset of {@code ids} on partial success, in their order
   * @throws ProviderException the first failure, when no id was accepted
   */
  @Override
  public List<String> decrease(List<String> ids) {
    Session s = session();
    if (ids.isEmpty()) {
      return List.of();
    }
    Terminations.Outcome outcome =
        s.terminations().terminate(List.copyOf(ids), Set.copyOf(standby));
    watch.adjust(outcome.uncertain(), -outcome.decremented());
    @Nullable ProviderException failure = outcome.failure();
    if (outcome.accepted().isEmpty() && failure != null) {
      throw failure;
    }
    return outcome.accepted();
  }

  /**
   * Puts the named instances in standby with {@code ShouldDecrementDesiredCapacity=true} and stops
   * them (hibernates them with {@code suspend_mode = "hibernate"}); see {@link Suspensions}. An
   * instance already in standby or stopped counts as accepted.
   *
   * @return the accepted ids; a subset on partial success
   * @throws ProviderException the first failure, when no id was accepted: {@code InvalidConfig} for
   *     an instance that cannot hibernate, {@code NotFound} for one not in the group
   */
  @Override
  public List<String> suspend(List<String> ids) {
    Session s = session();
    if (ids.isEmpty()) {
      return List.of();
    }
    Suspensions.Outcome outcome = s.suspensions().suspend(List.copyOf(ids));
    standby.addAll(outcome.accepted());
    return settle(outcome);
  }

  /**
   * Starts the named instances, waits (bounded) until they run, and takes them out of standby; see
   * {@link Suspensions}. An instance already back in service counts as accepted.
   *
   * @return the accepted ids; a subset on partial success
   * @throws ProviderException the first failure, when no id was accepted: {@code Unavailable}
   *     (retryable) when an instance did not run within the wait, {@code Capacity} when EC2 has no
   *     capacity to start it
   */
  @Override
  public List<String> resume(List<String> ids) {
    Session s = session();
    if (ids.isEmpty()) {
      return List.of();
    }
    Suspensions.Outcome outcome = s.suspensions().resume(List.copyOf(ids));
    standby.removeAll(outcome.accepted());
    return settle(outcome);
  }

  private List<String> settle(Suspensions.Outcome outcome) {
    watch.adjust(outcome.uncertain(), outcome.desiredChange());
    @Nullable ProviderException failure = outcome.failure();
    if (outcome.accepted().isEmpty() && failure != null) {
      throw failure;
    }
    return outcome.accepted();
  }

  @Override
  public ConnectInfo connectInfo(String id) {
    return session().connect().connectInfo(id);
  }

  /**
   * Passes while Auto Scaling lists the instance in this group as healthy.
   *
   * @throws ProviderException.Unhealthy if Auto Scaling marked it unhealthy or is terminating it
   * @throws ProviderException.NotFound if it is not (or no longer) in this group
   */
  @Override
  public void heartbeat(String id) {
    Session s = session();
    String name = s.config().name();
    Optional<AutoScalingInstanceDetails> found;
    try {
      found =
          s
              .clients()
              .autoScaling()
              .describeAutoScalingInstances(r -> r.instanceIds(id))
              .autoScalingInstances()
              .stream()
              .filter(i -> id.equals(i.instanceId()))
              .findFirst();
    } catch (AwsServiceException e) {
      if ("ValidationError".equals(AwsErrors.code(e))) {
        throw new ProviderException.NotFound("no Auto Scaling instance " + id);
      }
      throw AwsErrors.map("DescribeAutoScalingInstances", e);
    } catch (SdkException | UncheckedIOException e) {
      throw AwsErrors.map("DescribeAutoScalingInstances", e);
    }
    if (found.isEmpty() || !name.equals(found.get().autoScalingGroupName())) {
      throw new ProviderException.NotFound(
          "instance " + id + " is not in Auto Scaling group " + name);
    }
    AutoScalingInstanceDetails instance = found.get();
    switch (LifecycleStates.map(instance.lifecycleState(), instance.healthStatus())) {
      case DELETED -> throw new ProviderException.NotFound("instance " + id + " has terminated");
      case DELETING ->
          throw new ProviderException.Unhealthy(
              "instance " + id + " is " + instance.lifecycleState());
      case TIMEOUT ->
          throw new ProviderException.Unhealthy(
              "Auto Scaling reports instance " + id + " as " + instance.healthStatus());
      default -> {}
    }
  }

  /** Closes the SDK clients. Never terminates instances. Idempotent. */
  @Override
  public void shutdown() {
    shutDown = true;
    Session s = session;
    session = null;
    if (s != null) {
      s.clients().close();
    }
  }

  /** How many times init found a group whose new instances are not protected from scale-in. */
  public long scaleInProtectionWarnings() {
    return watch.scaleInProtectionWarnings();
  }

  /** How many times init found a group with the {@code AZRebalance} process not suspended. */
  public long azRebalanceWarnings() {
    return watch.azRebalanceWarnings();
  }

  /** How many times the desired capacity was found different from what this group expected. */
  public long desiredCapacityDrifts() {
    return watch.desiredCapacityDrifts();
  }

  private Session session() {
    Session s = session;
    if (s == null) {
      throw new IllegalStateException(
          shutDown ? "this aws group was shut down" : "init was not called on this aws group");
    }
    return s;
  }
}
