package io.fleetscaler.plugin.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fleetscaler.plugin.api.Capability;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract every {@link InstanceGroup} must keep, as JUnit 5 tests that a plugin's test class
 * inherits, in the manner of grpc-java's {@code AbstractTransportTest}. A plugin proves itself by
 * one subclass per way it can be reached (called directly, over the in-process wire, as a plugin
 * process); each subclass is a few lines of hooks:
 *
 * <pre>{@code
 * class MyGroupConformanceTest extends InstanceGroupConformanceKit {
 *   @Override protected InstanceGroup newGroup() { return new MyGroup(...); }
 *   @Override protected String validConfig() { return "{\"max_size\":5}"; }
 *   @Override protected List<String> invalidConfigs() { return List.of("{\"max_size\":-1}"); }
 *   @Override protected void letTimePass(Duration d) { clock.advance(d); }
 * }
 * }</pre>
 *
 * <p><b>What the valid configuration must describe.</b> A healthy group that can hold at least 3
 * instances beyond any that already exist: no injected failures, no random loss, instances that
 * reach {@code running} within {@link #maxPolls()} rounds of {@link #letTimePass}({@link
 * #pollStep()}). If its {@code maxSize} is at most {@link #largestMaxSizeToFill()}, the kit fills
 * the group to its limit once.
 *
 * <p><b>Time.</b> The kit never sleeps and never asserts on timing. Whenever it waits for the cloud
 * it calls {@link InstanceGroup#update()}, checks for the awaited state, and otherwise calls {@link
 * #letTimePass} with {@link #pollStep()}, at most {@link #maxPolls()} times before it fails. A
 * group on a manual clock advances that clock there; a group the test cannot steer (a plugin
 * process on the system clock, a real cloud or emulator) sleeps there, and is best configured with
 * short or zero latencies so that a few short polls suffice.
 *
 * <p><b>What the kit checks</b>, each in its own test: init accepts the valid configuration and
 * describes the group sanely, and rejects each invalid one with {@link
 * ProviderException.InvalidConfig}; increase shows exactly that many new instances in update,
 * {@code creating} then {@code running}; increase at the size limit returns at most what fits;
 * decrease removes exactly the named instances and leaves others alone, and is idempotent; update
 * never lists an id twice; connect info names the instance and an address, carries static
 * credentials unchanged, and is not-found for an unknown id; heartbeat passes for a running
 * instance and is not-found for an unknown id; connect info and heartbeat are safe to call
 * concurrently with the rest; shutdown leaves instances in place; suspend and resume work or are
 * unsupported as the declared capability says.
 *
 * <p><b>Cleanup.</b> After each test every instance the kit requested is handed to {@link
 * InstanceGroup#decrease} and every group still open is shut down, so that a run against a real
 * cloud leaves nothing behind; groups whose init was rejected are shut down too. Then {@link
 * #release} is called once for every group {@link #newGroup()} returned, to close whatever the
 * subclass opened for it.
 *
 * <p><b>Groups behind a wire or in a plugin process.</b> The same hooks serve: {@link #newGroup()}
 * returns the host-side client (over an in-process channel, or of a freshly launched process),
 * {@link #release} closes that channel or stops that process, and {@link #letTimePass} sleeps when
 * the plugin runs on the system clock (configure zero latencies and a short {@link #pollStep()}).
 * Because a launched process holds its own in-memory cloud, such a subclass overrides {@link
 * #instancesAfterShutdown} to return empty, or to inspect the provider it wraps, rather than look
 * through a fresh group.
 */
public abstract class InstanceGroupConformanceKit {
  // Above 400 lines on purpose: one readable test per clause of the contract, kept together so a
  // plugin author reads the whole contract in one file, as with grpc-java's AbstractTransportTest.

  private final List<InstanceGroup> made = new ArrayList<>();
  private final List<Opened> opened = new ArrayList<>();

  // ---- Hooks a plugin's test provides. ----

  /**
   * A new, un-initialised group. Called once or more per test; the kit calls {@link
   * InstanceGroup#init} on it with {@link #settings()} and a configuration of its choice.
   */
  protected abstract InstanceGroup newGroup();

  /** A {@code plugin_config} JSON object describing a healthy group (see the class notes). */
  protected abstract String validConfig();

  /**
   * At least one {@code plugin_config} JSON text that {@link InstanceGroup#init} must reject with
   * {@link ProviderException.InvalidConfig}: unknown keys, wrong types, out-of-range values.
   */
  protected abstract List<String> invalidConfigs();

  /**
   * Lets the cloud make progress for about {@code duration}: advance a manual clock, or wait. Only
   * called between polls of {@link InstanceGroup#update()}.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  protected abstract void letTimePass(Duration duration) throws InterruptedException;

  /**
   * The settings passed to {@link InstanceGroup#init}. The default uses SSH with static
   * credentials, so a plugin must hand them back unchanged in {@link ConnectInfo}.
   */
  protected Settings settings() {
    return new Settings(
        new ConnectorConfig(
            "linux",
            "amd64",
            Protocol.SSH,
            22,
            "fleetscaler-tck",
            "tck-password",
            null,
            true,
            Duration.ZERO,
            Duration.ofSeconds(10)));
  }

  /** What one {@link #letTimePass} call between two polls asks for; 1 second by default. */
  protected Duration pollStep() {
    return Duration.ofSeconds(1);
  }

  /** The most polls of {@link InstanceGroup#update()} per awaited change; 300 by default. */
  protected int maxPolls() {
    return 300;
  }

  /**
   * The largest declared {@code maxSize} that the kit will fill to check the size limit; groups
   * declaring more skip that test. 10 by default.
   */
  protected int largestMaxSizeToFill() {
    return 10;
  }

  /** An id the group cannot own, in the provider's id format if it checks one. */
  protected String unknownInstanceId() {
    return "fleetscaler-tck-no-such-instance";
  }

  /**
   * Frees what the test harness holds for {@code group} (a channel, a plugin process) once the kit
   * is done with it: after its instances were handed to decrease and it was shut down, or after its
   * init failed. Called once for every group {@link #newGroup()} returned. Does nothing by default.
   */
  protected void release(InstanceGroup group) {}

  /**
   * What the cloud holds after {@code shutDown} was shut down, as the cloud itself sees it, or
   * empty when the test cannot look. The default initialises a fresh group with the valid
   * configuration and asks it, which suits a plugin whose instances live in a real cloud; a plugin
   * whose cloud lives inside the group object (a simulator) overrides this to inspect that cloud,
   * and one whose cloud is out of reach returns empty to skip the check.
   */
  protected Optional<List<InstanceStatus>> instancesAfterShutdown(InstanceGroup shutDown)
      throws InterruptedException {
    return Optional.of(update(open().group));
  }

  // ---- The contract. ----

  /**
   * Init accepts the valid configuration and names the group, with room for at least one instance.
   */
  @Test
  void initAcceptsTheValidConfigAndDescribesTheGroup() {
    Opened g = open();
    assertThat(g.info.id()).as("provider id").isNotBlank();
    assertThat(g.info.maxSize()).as("max size").isGreaterThanOrEqualTo(1);
  }

  /**
   * Init rejects each invalid configuration as InvalidConfig (never retried), without echoing
   * secrets.
   */
  @TestFactory
  Stream<DynamicTest> initRejectsEachInvalidConfig() {
    List<String> invalid = invalidConfigs();
    assertThat(invalid).as("invalidConfigs() must name at least one").isNotEmpty();
    return invalid.stream()
        .map(
            config ->
                DynamicTest.dynamicTest(
                    "rejects " + config,
                    () -> {
                      InstanceGroup group = make();
                      assertThatThrownBy(() -> init(group, config))
                          .isInstanceOf(ProviderException.InvalidConfig.class)
                          .hasMessageNotContaining("tck-password");
                    }));
  }

  /**
   * Increase is asynchronous: the requested instances appear in update as creating, then running,
   * and no more than requested ever appear.
   */
  @Test
  void increaseShowsExactlyThatManyNewInstancesCreatingThenRunning() throws InterruptedException {
    Opened g = open();
    Set<String> created = grow(g, 2);
    assertThat(created).hasSize(2);
  }

  /**
   * Update reports every owned instance exactly once, and a healthy running instance stays running.
   */
  @Test
  void updateListsEveryInstanceOnceAndKeepsRunningOnesRunning() throws InterruptedException {
    Opened g = open();
    Set<String> created = grow(g, 2);
    for (int i = 0; i < 3; i++) {
      letTimePass(pollStep());
      Map<String, InstanceState> now = states(update(g.group));
      for (String id : created) {
        assertThat(now).as("update after growth").containsEntry(id, InstanceState.RUNNING);
      }
    }
  }

  /**
   * Asked for more than fits, increase requests at most what fits and says so; when full it grants
   * nothing (returning 0 or throwing Capacity).
   */
  @Test
  void increaseAtTheSizeLimitReturnsAtMostWhatFits() throws InterruptedException {
    Opened g = open();
    assumeTrue(
        g.info.maxSize() <= largestMaxSizeToFill(),
        "maxSize " + g.info.maxSize() + " is above largestMaxSizeToFill()");
    List<InstanceStatus> before = update(g.group);
    int live = (int) before.stream().filter(s -> counts(s.state())).count();
    int fits = Math.max(0, g.info.maxSize() - live);
    Set<String> baseline = states(before).keySet();

    int granted = increaseOrCapacity(g, fits + 2);
    assertThat(granted).as("increase(%d) with room for %d", fits + 2, fits).isBetween(0, fits);
    List<InstanceStatus> after =
        await(
            g.group,
            "the " + granted + " granted instances to be listed",
            list -> {
              g.created.addAll(newIds(list, baseline));
              return newIds(list, baseline).size() >= granted;
            });
    Set<String> added = newIds(after, baseline);
    assertThat(added).as("instances added by increase(%d)", fits + 2).hasSize(granted);
    assertThat(after.stream().filter(s -> counts(s.state())).count())
        .as("instances counting against maxSize %d", g.info.maxSize())
        .isLessThanOrEqualTo(g.info.maxSize());

    if (granted == fits) {
      assertThat(increaseOrCapacity(g, 1)).as("increase(1) when full").isZero();
    }
  }

  /**
   * Decrease accepts exactly the named instances, which then leave the listing, and never takes
   * another instance instead.
   */
  @Test
  void decreaseRemovesExactlyTheNamedInstances() throws InterruptedException {
    Opened g = open();
    List<String> ids = List.copyOf(grow(g, 3));
    List<String> victims = ids.subList(0, 2);
    String survivor = ids.get(2);

    assertThat(g.group.decrease(victims))
        .as("accepted")
        .containsExactlyInAnyOrderElementsOf(victims);
    Set<InstanceState> leaving =
        Set.of(InstanceState.RUNNING, InstanceState.DELETING, InstanceState.DELETED);
    await(
        g.group,
        "decreased instances " + victims + " to disappear",
        list -> {
          Map<String, InstanceState> states = states(list);
          assertThat(states).as("survivor").containsEntry(survivor, InstanceState.RUNNING);
          for (String v : victims) {
            if (states.containsKey(v)) {
              assertThat(states.get(v)).as("state of decreased %s", v).isIn(leaving);
            }
          }
          return victims.stream().noneMatch(states::containsKey);
        });
    assertThat(states(update(g.group))).containsEntry(survivor, InstanceState.RUNNING);
  }

  /**
   * Decrease of an instance already being deleted, or already gone, is accepted again and changes
   * nothing else.
   */
  @Test
  void decreaseIsIdempotent() throws InterruptedException {
    Opened g = open();
    List<String> ids = List.copyOf(grow(g, 2));
    String victim = ids.get(0);
    String other = ids.get(1);

    assertThat(g.group.decrease(List.of(victim))).containsExactly(victim);
    assertThat(g.group.decrease(List.of(victim)))
        .as("again while deleting")
        .containsExactly(victim);
    await(g.group, victim + " to disappear", list -> !states(list).containsKey(victim));
    assertThat(g.group.decrease(List.of(victim))).as("again once gone").containsExactly(victim);
    assertThat(states(update(g.group))).containsEntry(other, InstanceState.RUNNING);
  }

  /** Decrease of an empty list accepts nothing and fails nothing. */
  @Test
  void decreaseOfNoIdsAcceptsNone() {
    Opened g = open();
    assertThat(g.group.decrease(List.of())).isEmpty();
  }

  /** Connect info of an id the group does not own is NotFound, so the scaler stops dialing it. */
  @Test
  void connectInfoOfAnUnknownIdIsNotFound() {
    Opened g = open();
    assertThatThrownBy(() -> g.group.connectInfo(unknownInstanceId()))
        .isInstanceOf(ProviderException.NotFound.class);
  }

  /**
   * Connect info of a running instance names it, gives an address to dial, and hands static
   * credentials back unchanged.
   */
  @Test
  void connectInfoOfARunningInstanceNamesItAndAnAddress() throws InterruptedException {
    Opened g = open();
    String id = grow(g, 1).iterator().next();
    ConnectInfo info = g.group.connectInfo(id);
    assertThat(info.id()).isEqualTo(id);
    assertThat(info.dialAddress(false)).as("an address to dial").isNotBlank();
    ConnectorConfig asked = settings().connector();
    if (asked.useStaticCredentials()) {
      assertThat(info.connector().username()).as("static username").isEqualTo(asked.username());
      assertThat(info.connector().password()).as("static password").isEqualTo(asked.password());
      assertThat(info.connector().protocol()).as("protocol").isEqualTo(asked.protocol());
    }
  }

  /** Heartbeat of a healthy running instance passes. */
  @Test
  void heartbeatOfARunningInstancePasses() throws InterruptedException {
    Opened g = open();
    String id = grow(g, 1).iterator().next();
    assertThatCode(() -> g.group.heartbeat(id)).doesNotThrowAnyException();
  }

  /** Heartbeat of an id the group does not own is NotFound. */
  @Test
  void heartbeatOfAnUnknownIdIsNotFound() {
    Opened g = open();
    assertThatThrownBy(() -> g.group.heartbeat(unknownInstanceId()))
        .isInstanceOf(ProviderException.NotFound.class);
  }

  /**
   * Connect info and heartbeat may run on several threads while update runs: the host calls them
   * concurrently.
   */
  @Test
  void connectInfoAndHeartbeatAreSafeAlongsideUpdates() throws Exception {
    Opened g = open();
    String id = grow(g, 1).iterator().next();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> calls = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        calls.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 25; i++) {
                    assertThat(g.group.connectInfo(id).id()).isEqualTo(id);
                    g.group.heartbeat(id);
                  }
                  return null;
                }));
      }
      for (int i = 0; i < 10; i++) {
        assertThat(states(update(g.group))).containsEntry(id, InstanceState.RUNNING);
      }
      for (Future<?> call : calls) {
        call.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Shutdown releases the plugin's resources but never deletes instances; the scaler does that
   * itself first.
   */
  @Test
  void shutdownLeavesInstancesInPlace() throws InterruptedException {
    Opened g = open();
    String id = grow(g, 1).iterator().next();
    g.group.shutdown();
    g.shutDown = true;
    // The instance now belongs to no open group; hand it to one so that cleanup removes it.
    Optional<List<InstanceStatus>> after;
    try {
      after = instancesAfterShutdown(g.group);
    } finally {
      open().created.add(id);
    }
    assumeTrue(after.isPresent(), "instancesAfterShutdown() cannot look at the cloud");
    assertThat(states(after.orElseThrow()))
        .as("instances after shutdown")
        .containsEntry(id, InstanceState.RUNNING);
  }

  /**
   * Suspend and resume work when the group declares suspend_resume, and are Unsupported when it
   * does not.
   */
  @Test
  void suspendAndResumeFollowTheDeclaredCapability() throws InterruptedException {
    Opened g = open();
    if (!g.info.has(Capability.SUSPEND_RESUME)) {
      List<String> ids = List.of(unknownInstanceId());
      assertThatThrownBy(() -> g.group.suspend(ids))
          .isInstanceOf(ProviderException.Unsupported.class);
      assertThatThrownBy(() -> g.group.resume(ids))
          .isInstanceOf(ProviderException.Unsupported.class);
      return;
    }
    String id = grow(g, 1).iterator().next();
    assertThat(g.group.suspend(List.of(id))).containsExactly(id);
    Set<InstanceState> suspending =
        Set.of(InstanceState.RUNNING, InstanceState.SUSPENDING, InstanceState.SUSPENDED);
    awaitState(g, id, InstanceState.SUSPENDED, suspending);
    assertThat(g.group.resume(List.of(id))).containsExactly(id);
    Set<InstanceState> resuming =
        Set.of(InstanceState.SUSPENDED, InstanceState.RESUMING, InstanceState.RUNNING);
    awaitState(g, id, InstanceState.RUNNING, resuming);
  }

  @AfterEach
  void deleteWhatTheKitCreatedAndShutDown() {
    List<RuntimeException> problems = new ArrayList<>();
    Set<InstanceGroup> initialised = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Opened g : opened) {
      initialised.add(g.group);
      if (g.shutDown) {
        continue;
      }
      try {
        if (!g.created.isEmpty()) {
          g.group.decrease(List.copyOf(g.created));
        }
      } catch (RuntimeException e) {
        problems.add(e);
      }
      try {
        g.group.shutdown();
      } catch (RuntimeException e) {
        problems.add(e);
      }
    }
    for (InstanceGroup group : made) {
      if (!initialised.contains(group)) {
        try {
          group.shutdown();
        } catch (RuntimeException e) {
          // Its init failed; a plugin may refuse anything after that, shutdown included.
        }
      }
      try {
        release(group);
      } catch (RuntimeException e) {
        problems.add(e);
      }
    }
    opened.clear();
    made.clear();
    if (!problems.isEmpty()) {
      RuntimeException first = problems.get(0);
      problems.subList(1, problems.size()).forEach(first::addSuppressed);
      throw first;
    }
  }

  // ---- Helpers. ----

  /** A group the kit created and initialised, with what it requested in it. */
  private static final class Opened {
    final InstanceGroup group;
    final ProviderInfo info;
    final Set<String> created = new LinkedHashSet<>();
    boolean shutDown;

    Opened(InstanceGroup group, ProviderInfo info) {
      this.group = group;
      this.info = info;
    }
  }

  private InstanceGroup make() {
    InstanceGroup group = newGroup();
    made.add(group);
    return group;
  }

  private Opened open() {
    InstanceGroup group = make();
    ProviderInfo info = init(group, validConfig());
    Opened g = new Opened(group, info);
    opened.add(g);
    return g;
  }

  private ProviderInfo init(InstanceGroup group, String config) {
    ProviderInfo info = group.init(settings(), config);
    assertThat(info).as("init(%s)", config).isNotNull();
    return info;
  }

  /**
   * Requests {@code n} instances and waits until exactly {@code n} new ones are running, checking
   * on every poll that the new ones only ever go from {@code creating} to {@code running}.
   */
  private Set<String> grow(Opened g, int n) throws InterruptedException {
    Set<String> baseline = states(update(g.group)).keySet();
    int granted = g.group.increase(n);
    assertThat(granted).as("increase(%d) on a group with room", n).isEqualTo(n);
    Map<String, InstanceState> lastSeen = new HashMap<>();
    List<InstanceStatus> done =
        await(
            g.group,
            n + " new instances to be running",
            list -> {
              Set<String> fresh = newIds(list, baseline);
              g.created.addAll(fresh);
              assertThat(fresh)
                  .as("new instances after increase(%d)", n)
                  .hasSizeLessThanOrEqualTo(n);
              for (InstanceStatus s : list) {
                if (!fresh.contains(s.id())) {
                  continue;
                }
                assertThat(s.state())
                    .as("state of new instance %s", s.id())
                    .isIn(InstanceState.CREATING, InstanceState.RUNNING);
                InstanceState previous = lastSeen.put(s.id(), s.state());
                if (previous == InstanceState.RUNNING) {
                  assertThat(s.state()).as("%s went back from running", s.id()).isEqualTo(previous);
                }
              }
              return fresh.size() == n
                  && list.stream()
                      .filter(s -> fresh.contains(s.id()))
                      .allMatch(s -> s.state() == InstanceState.RUNNING);
            });
    return newIds(done, baseline);
  }

  private void awaitState(Opened g, String id, InstanceState target, Set<InstanceState> allowed)
      throws InterruptedException {
    await(
        g.group,
        id + " to be " + target.wireName(),
        list -> {
          InstanceState state = states(list).get(id);
          assertThat(state).as("state of %s while awaiting %s", id, target).isIn(allowed);
          return state == target;
        });
  }

  /**
   * Polls {@link InstanceGroup#update()} until {@code done} holds, letting {@link #pollStep()} pass
   * between polls, at most {@link #maxPolls()} times.
   */
  private List<InstanceStatus> await(
      InstanceGroup group, String what, Predicate<List<InstanceStatus>> done)
      throws InterruptedException {
    List<InstanceStatus> last = List.of();
    for (int poll = 0; poll < maxPolls(); poll++) {
      last = update(group);
      if (done.test(last)) {
        return last;
      }
      letTimePass(pollStep());
    }
    return fail(
        "gave up waiting for %s after %d polls %s apart; last update: %s",
        what, maxPolls(), pollStep(), last);
  }

  /** One update, checked for duplicate ids. */
  private static List<InstanceStatus> update(InstanceGroup group) {
    List<InstanceStatus> list = group.update();
    assertThat(list).as("update()").isNotNull();
    Set<String> seen = new HashSet<>();
    for (InstanceStatus s : list) {
      assertThat(seen.add(s.id())).as("update() lists %s twice: %s", s.id(), list).isTrue();
    }
    return list;
  }

  private static int increaseOrCapacity(Opened g, int delta) {
    try {
      return g.group.increase(delta);
    } catch (ProviderException.Capacity e) {
      return 0;
    }
  }

  private static Map<String, InstanceState> states(List<InstanceStatus> list) {
    return list.stream().collect(Collectors.toMap(InstanceStatus::id, InstanceStatus::state));
  }

  private static Set<String> newIds(List<InstanceStatus> list, Set<String> baseline) {
    return list.stream()
        .map(InstanceStatus::id)
        .filter(id -> !baseline.contains(id))
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** Whether an instance in {@code state} occupies room in the group. */
  private static boolean counts(InstanceState state) {
    return state != InstanceState.DELETING && state != InstanceState.DELETED;
  }
}
