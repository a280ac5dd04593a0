package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.planner.InstanceInfo;
import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.api.Settings;
import io.fleetscaler.plugin.simulated.ManualClock;
import io.fleetscaler.plugin.simulated.SimulatedInstanceGroup;
import io.fleetscaler.plugin.simulated.SimulatedOptions;
import io.fleetscaler.plugin.simulated.SimulatedOptions.Latency;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standby pool in the engine, second by second on the simulated cloud: boot 30 s, suspend 5 s,
 * resume 10 s, deletion 5 s; capacity 1, one use per instance.
 */
class StandbyPoolTest {
  static final Duration BOOT = Duration.ofSeconds(30);
  static final Duration SUSPEND = Duration.ofSeconds(5);
  static final Duration RESUME = Duration.ofSeconds(10);
  static final SimulatedOptions CLOUD =
      SimulatedOptions.defaults()
          .withSuspendResume(true)
          .withCreateLatency(Latency.fixed(BOOT))
          .withDeleteLatency(Latency.fixed(Duration.ofSeconds(5)))
          .withSuspendLatency(Latency.fixed(SUSPEND))
          .withResumeLatency(Latency.fixed(RESUME));

  @TempDir Path dir;
  final ManualClock clock = new ManualClock();
  final SimulatedInstanceGroup simulated = new SimulatedInstanceGroup(clock);
  final PoolCloud cloud = new PoolCloud(simulated);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  TaskScaler start(Policy policy, UnaryOperator<TaskScaler.Builder> more) {
    return more.apply(
            TaskScaler.builder(cloud)
                .plugin(Settings.defaults(), CLOUD.toJson())
                .clock(clock)
                .manualTicks()
                .randomSeed(3)
                .capacityPerInstance(1)
                .maxUseCount(1)
                .maxInstances(10)
                .meterRegistry(registry)
                .policies(List.of(policy)))
        .build();
  }

  static Policy pool(int count) {
    return Policy.of(0).withStandby(count, Duration.ZERO);
  }

  void advance(TaskScaler scaler, Duration d) {
    clock.advance(d);
    scaler.tick();
  }

  /** Ticks until the pool of {@code scaler} is filled: create, boot, suspend. */
  void fill(TaskScaler scaler) {
    scaler.tick();
    advance(scaler, BOOT);
    advance(scaler, SUSPEND);
  }

  static Map<String, Integer> states(TaskScaler scaler) {
    return scaler.snapshot().instancesByState();
  }

  static List<String> inPhase(TaskScaler scaler, InstancePhase phase) {
    return scaler.snapshot().instances().stream()
        .filter(i -> i.phase() == phase)
        .map(InstanceInfo::id)
        .toList();
  }

  @Test
  void fillsThePoolWithReadiedInstancesThenSuspendsThem() {
    TaskScaler scaler = start(pool(2), b -> b);
    scaler.tick();
    assertThat(cloud.increases).as("the pool's deficit is created").isEqualTo(2);
    advance(scaler, BOOT);
    assertThat(cloud.suspendedIds).containsExactly("sim-000001", "sim-000002");
    assertThat(scaler.snapshot().slots().idle()).as("pooled instances take no work").isZero();
    advance(scaler, SUSPEND);
    assertThat(states(scaler)).containsEntry("suspended", 2).containsEntry("ready", 0);
    advance(scaler, Duration.ofMinutes(30));
    assertThat(cloud.increases).as("a full pool creates nothing more").isEqualTo(2);
    assertThat(cloud.decreasedIds).isEmpty();
    scaler.shutdown();
  }

  @Test
  void demandResumesBeforeCreatingAndThePoolRefillsBehind() {
    TaskScaler scaler = start(pool(2), b -> b);
    fill(scaler);
    CompletableFuture<Acquisition> a = scaler.acquire("a", Duration.ofMinutes(5));
    CompletableFuture<Acquisition> b = scaler.acquire("b", Duration.ofMinutes(5));
    CompletableFuture<Acquisition> c = scaler.acquire("c", Duration.ofMinutes(5));
    assertThat(cloud.resumedIds).containsExactly("sim-000001", "sim-000002");
    // One new instance for the third job, two to refill the pool.
    assertThat(cloud.increases).isEqualTo(2 + 3);
    assertThat(states(scaler)).containsEntry("resuming", 2).containsEntry("suspended", 0);
    advance(scaler, RESUME.minusSeconds(1));
    assertThat(a).isNotDone();
    advance(scaler, Duration.ofSeconds(1));
    assertThat(List.of(a.join().instanceId(), b.join().instanceId()))
        .containsExactlyInAnyOrder("sim-000001", "sim-000002");
    assertThat(c).as("the third waits for a boot").isNotDone();
    advance(scaler, BOOT.minus(RESUME));
    assertThat(c.join().instanceId()).isEqualTo("sim-000003");
    assertThat(cloud.suspendedIds)
        .as("the pool refilled with the two instances nobody waited for")
        .containsExactly("sim-000001", "sim-000002", "sim-000004", "sim-000005");
    assertThat(
            registry.get("fleetscaler.instance.ready.time").tag("path", "resume").timer().count())
        .isEqualTo(2);
    assertThat(
            registry
                .get("fleetscaler.instance.ready.time")
                .tag("path", "resume")
                .timer()
                .max(java.util.concurrent.TimeUnit.SECONDS))
        .isEqualTo((double) RESUME.toSeconds());
    assertThat(operations("suspend")).as("one suspend call per pooled instance").isEqualTo(4);
    assertThat(operations("resume")).as("resume calls exported").isBetween(1.0, 2.0);
    scaler.shutdown();
  }

  private double operations(String op) {
    return registry
        .get("fleeting.provisioner.instance.operations")
        .tag("operation", op)
        .functionCounter()
        .count();
  }

  @Test
  void idleSlotsServeFirstThenThePool() {
    TaskScaler scaler = start(pool(1).withIdleCount(1), b -> b);
    fill(scaler);
    assertThat(states(scaler)).containsEntry("ready", 1).containsEntry("suspended", 1);
    List<String> ready = inPhase(scaler, InstancePhase.READY);
    List<String> suspended = inPhase(scaler, InstancePhase.SUSPENDED);
    Acquisition a = scaler.acquire("a", Duration.ofMinutes(5)).join();
    assertThat(a.instanceId()).as("an idle slot was there: it served").isIn(ready);
    // Planning on the event, the emptied idle target is restored at once: from the pool, not a
    // boot.
    assertThat(cloud.resumedIds).isEqualTo(suspended).doesNotContain(a.instanceId());
    scaler.shutdown();
  }

  @Test
  void idleInstancesNobodyNeedsGoIntoThePoolInsteadOfNewOnes() {
    TaskScaler scaler = start(pool(0).withIdleCount(2), b -> b);
    scaler.tick();
    advance(scaler, BOOT);
    assertThat(states(scaler)).containsEntry("ready", 2);
    scaler.configure(List.of(pool(2)));
    assertThat(cloud.suspendedIds).containsExactly("sim-000001", "sim-000002");
    assertThat(cloud.increases).as("no boot to fill the pool").isEqualTo(2);
    assertThat(scaler.snapshot().slots().idle()).isZero();
    scaler.shutdown();
  }

  @Test
  void aUsedInstanceNeverEntersStandby() {
    // Unlimited uses: a released instance stays, idle, and is never suspended.
    TaskScaler scaler = start(pool(1), b -> b.maxUseCount(0));
    scaler.tick();
    CompletableFuture<Acquisition> a = scaler.acquire("a", Duration.ofMinutes(5));
    advance(scaler, BOOT);
    String used = a.join().instanceId();
    scaler.release("a");
    scaler.configure(List.of(pool(3)));
    for (int i = 0; i < 6; i++) {
      advance(scaler, Duration.ofSeconds(30));
    }
    assertThat(cloud.suspendedIds).doesNotContain(used).hasSize(3);
    scaler.shutdown();
  }

  @Test
  void aPolicyOfZeroEmptiesThePool() {
    TaskScaler scaler = start(pool(3), b -> b);
    fill(scaler);
    assertThat(states(scaler)).containsEntry("suspended", 3);
    scaler.configure(List.of(pool(1)));
    assertThat(cloud.decreasedIds).as("kept for idle_time, like idle instances").isEmpty();
    advance(scaler, Policy.DEFAULT_IDLE_TIME.minus(SUSPEND));
    assertThat(cloud.decreasedIds).hasSize(2);
    scaler.configure(List.of(pool(0)));
    advance(scaler, Duration.ofSeconds(10));
    assertThat(states(scaler)).containsEntry("suspended", 0);
    assertThat(cloud.decreasedIds).hasSize(3);
    assertThat(
            ((EngineTaskScaler) scaler)
                .counter("fleetscaler_instance_deletions_total", "reason", "standby_surplus"))
        .isEqualTo(3);
    assertThat(simulated.snapshot()).isEmpty();
    scaler.shutdown();
  }

  @Test
  void expiredMembersAreReplaced() {
    TaskScaler scaler = start(Policy.of(0).withStandby(1, Duration.ofHours(1)), b -> b);
    fill(scaler);
    advance(scaler, Duration.ofMinutes(59));
    assertThat(cloud.decreasedIds).isEmpty();
    advance(scaler, Duration.ofMinutes(1));
    assertThat(cloud.decreasedIds).containsExactly("sim-000001");
    assertThat(
            ((EngineTaskScaler) scaler)
                .counter("fleetscaler_instance_deletions_total", "reason", "standby_expired"))
        .isEqualTo(1);
    assertThat(cloud.increases).as("a fresh one replaces it").isEqualTo(2);
    advance(scaler, BOOT);
    advance(scaler, SUSPEND);
    assertThat(cloud.suspendedIds).containsExactly("sim-000001", "sim-000002");
    scaler.shutdown();
  }

  @Test
  void aRefusedResumeDeletesTheMemberAndCreatesInstead() {
    TaskScaler scaler = start(pool(1), b -> b);
    fill(scaler);
    cloud.refuseNextResumes(1);
    CompletableFuture<Acquisition> a = scaler.acquire("a", Duration.ofMinutes(5));
    assertThat(cloud.decreasedIds).containsExactly("sim-000001");
    assertThat(
            ((EngineTaskScaler) scaler)
                .counter("fleetscaler_instance_deletions_total", "reason", "resume_failed"))
        .isEqualTo(1);
    // Nothing left to resume: one for the job, one for the pool.
    assertThat(cloud.increases).isEqualTo(1 + 2);
    advance(scaler, BOOT);
    assertThat(a.join().instanceId()).isEqualTo("sim-000002");
    scaler.shutdown();
  }

  @Test
  void aResumeThatFailsDeletesTheMember() {
    TaskScaler scaler = start(pool(1), b -> b);
    fill(scaler);
    cloud.failNextResumes(1);
    CompletableFuture<Acquisition> a = scaler.acquire("a", Duration.ofMinutes(5));
    assertThat(cloud.decreasedIds).containsExactly("sim-000001");
    advance(scaler, BOOT);
    assertThat(a.join().instanceId()).isEqualTo("sim-000002");
    scaler.shutdown();
  }

  @Test
  void aResumeThatNeverFinishesIsDeletedAfterTheCreationTimeout() {
    SimulatedOptions stuck = CLOUD.withResumeLatency(Latency.fixed(Duration.ofDays(1)));
    TaskScaler scaler =
        more(
            TaskScaler.builder(cloud)
                .plugin(Settings.defaults(), stuck.toJson())
                .clock(clock)
                .manualTicks()
                .capacityPerInstance(1)
                .maxUseCount(1)
                .maxInstances(10)
                .creationTimeout(Duration.ofMinutes(5))
                .policies(List.of(pool(1))));
    fill(scaler);
    CompletableFuture<Acquisition> a = scaler.acquire("a", Duration.ofMinutes(30));
    assertThat(cloud.resumedIds).containsExactly("sim-000001");
    advance(scaler, BOOT);
    // The refill came first: with a job waiting it serves the job.
    assertThat(a.join().instanceId()).isEqualTo("sim-000002");
    advance(scaler, Duration.ofMinutes(5));
    assertThat(cloud.decreasedIds).contains("sim-000001");
    assertThat(
            ((EngineTaskScaler) scaler)
                .counter("fleetscaler_instance_deletions_total", "reason", "resume_failed"))
        .isEqualTo(1);
    scaler.shutdown();
  }

  private static TaskScaler more(TaskScaler.Builder b) {
    return b.build();
  }

  @Test
  void suspendedInstancesCountTowardTheMaximum() {
    TaskScaler scaler = start(pool(3), b -> b.maxInstances(4));
    fill(scaler);
    List<CompletableFuture<Acquisition>> jobs =
        List.of(
            scaler.acquire("a", Duration.ofMinutes(5)),
            scaler.acquire("b", Duration.ofMinutes(5)),
            scaler.acquire("c", Duration.ofMinutes(5)));
    assertThat(cloud.resumedIds).hasSize(3);
    // Three resuming, one room left: one created to refill, never more than four.
    assertThat(cloud.increases).isEqualTo(4);
    assertThat(simulated.snapshot()).hasSizeLessThanOrEqualTo(4);
    advance(scaler, RESUME);
    assertThat(jobs).allMatch(CompletableFuture::isDone);
    scaler.shutdown();
  }

  @Test
  void withoutTheCapabilityThereIsNoPool() {
    SimulatedOptions plain = CLOUD.withSuspendResume(false);
    TaskScaler scaler =
        TaskScaler.builder(cloud)
            .plugin(Settings.defaults(), plain.toJson())
            .clock(clock)
            .manualTicks()
            .capacityPerInstance(1)
            .maxUseCount(1)
            .policies(List.of(pool(2)))
            .build();
    fill(scaler);
    assertThat(cloud.increases).isZero();
    assertThat(cloud.suspendedIds).isEmpty();
    scaler.shutdown();
  }

  @Test
  void suspendedInstancesAreAdoptedAsSuspendedAfterARestart() {
    TaskScaler first = start(pool(2), b -> b.stateStorage(dir));
    fill(first);
    first.shutdown();
    assertThat(simulated.snapshot()).hasSize(2);

    TaskScaler second = start(pool(2), b -> b.stateStorage(dir));
    second.tick();
    assertThat(inPhase(second, InstancePhase.SUSPENDED))
        .containsExactly("sim-000001", "sim-000002");
    assertThat(cloud.decreasedIds).as("nothing deleted for safety").isEmpty();
    assertThat(cloud.increases).as("the pool is full: nothing created").isEqualTo(2);
    CompletableFuture<Acquisition> a = second.acquire("a", Duration.ofMinutes(5));
    assertThat(cloud.resumedIds).containsExactly("sim-000001");
    advance(second, RESUME);
    assertThat(a.join().instanceId()).isEqualTo("sim-000001");
    second.shutdown();
  }

  @Test
  void withoutSavedStateSuspendedInstancesAreDeletedForSafety() {
    TaskScaler first = start(pool(2), b -> b);
    fill(first);
    first.shutdown();

    TaskScaler second = start(pool(0), b -> b);
    second.tick();
    assertThat(cloud.decreasedIds).containsExactlyInAnyOrder("sim-000001", "sim-000002");
    second.shutdown();
  }
}
