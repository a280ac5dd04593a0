package io.fleetscaler.core.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.plugin.api.InstanceState;
import io.fleetscaler.plugin.simulated.SimulatedOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Scenarios of the whole engine on the simulated cloud, under a manual clock, without threads. */
class TaskScalerTest {

  static final Duration FOREVER = Duration.ofHours(1);

  @Test
  void keepsIdleCountReadyAndServesReservationsAtOnce() {
    Harness h = Harness.withPolicy(Policy.of(2), 10, 1);
    h.bootAll();
    assertThat(h.ready()).isEqualTo(2);
    assertThat(h.scaler.reserve("a")).isEqualTo(ReserveResult.RESERVED);
    CompletableFuture<Acquisition> acq = h.scaler.acquire("a", FOREVER);
    assertThat(acq).isCompleted();
    Acquisition a = acq.join();
    assertThat(a.connectInfo().id()).isEqualTo(a.instanceId());
    assertThat(a.connectInfo().internalAddr()).startsWith("10.");
    // One in use and idle_count 2: the next tick asks for one more.
    h.scaler.tick();
    assertThat(h.live()).isEqualTo(3);
  }

  @Test
  void acquireThatNeedsCapacityCreatesAnInstanceWithoutWaitingForATick() {
    Harness h = Harness.withPolicy(Policy.of(0), 10, 1);
    CompletableFuture<Acquisition> acq = h.scaler.acquire("job", FOREVER);
    assertThat(acq).isNotDone();
    assertThat(h.inState(InstanceState.CREATING)).isEqualTo(1); // asked at once
    h.advance(Harness.BOOT);
    assertThat(acq).isCompleted();
    assertThat(h.scaler.snapshot().pendingAcquisitions()).isZero();
  }

  @Test
  void reachesZeroAfterIdleTimeWithCapacityAboveOne() {
    Harness h = Harness.withPolicy(Policy.of(0), 10, 4);
    List<CompletableFuture<Acquisition>> jobs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      jobs.add(h.scaler.acquire("job-" + i, FOREVER));
    }
    assertThat(h.live()).isEqualTo(2);
    h.advance(Harness.BOOT);
    assertThat(jobs).allMatch(CompletableFuture::isDone);
    for (int i = 0; i < 6; i++) {
      assertThat(h.scaler.release("job-" + i)).isTrue();
    }
    h.advance(Policy.DEFAULT_IDLE_TIME.minusSeconds(1));
    assertThat(h.live()).isEqualTo(2); // not idle long enough
    h.advance(Duration.ofSeconds(1));
    assertThat(h.live()).isZero();
    h.advance(Harness.DELETE);
    h.scaler.tick();
    assertThat(h.inCloud()).isZero();
    assertThat(h.scaler.snapshot().instances()).isEmpty();
    assertThat(h.scaler.counter("fleetscaler_instance_deletions_total", "reason", "idle_time"))
        .isEqualTo(2);
  }

  @Test
  void lostInstanceCancelsItsAcquisitionWithACauseAndIsReplacedOnlyForRemainingDemand() {
    Harness h = Harness.withPolicy(Policy.of(0), 10, 1);
    CompletableFuture<Acquisition> first = h.scaler.acquire("a", FOREVER);
    CompletableFuture<Acquisition> second = h.scaler.acquire("b", FOREVER);
    h.advance(Harness.BOOT);
    Acquisition a = first.join();
    List<String> causes = new ArrayList<>();
    a.cancellation().thenAccept(causes::add);
    h.simulated.loseInstance(a.instanceId());
    h.scaler.tick();
    assertThat(causes).singleElement().asString().contains(a.instanceId()).contains("vanished");
    assertThat(a.cancelCause()).isNotNull();
    assertThat(second.join().cancelCause()).isNull();
    assertThat(h.scaler.counter("fleetscaler_instances_vanished_total", "", "")).isEqualTo(1);
    // The lost job's slot is not demand any more: no replacement is created (no runaway).
    assertThat(h.live()).isEqualTo(1);
    assertThat(h.scaler.release("a")).isFalse();
  }

  @Test
  void timedOutInstanceIsDeletedInTheCloud() {
    Harness h =
        new Harness(
            SimulatedOptions.defaults().withBootFailureProbability(1.0),
            b -> b.policies(List.of(Policy.of(1))).maxInstances(3));
    h.bootAll();
    assertThat(h.inState(InstanceState.DELETING)).isEqualTo(1);
    assertThat(h.scaler.counter("fleetscaler_instance_deletions_total", "reason", "timeout"))
        .isEqualTo(1);
  }

  @Test
  void failedDeletionIsRetriedEveryDeletionRetryInterval() {
    Harness h =
        new Harness(
            b ->
                b.policies(List.of(Policy.of(0)))
                    .maxInstances(3)
                    .deletionRetryInterval(Duration.ofMinutes(1)));
    Acquisition a = acquireReady(h, "a");
    h.scaler.release("a");
    h.cloud.failNextDecreases(2);
    h.advance(Policy.DEFAULT_IDLE_TIME);
    assertThat(h.cloud.decreaseCalls()).isEqualTo(1);
    assertThat(h.live()).isEqualTo(1); // the cloud refused
    h.advance(Duration.ofSeconds(59));
    assertThat(h.cloud.decreaseCalls()).isEqualTo(1); // not before the retry interval
    h.advance(Duration.ofSeconds(1));
    assertThat(h.cloud.decreaseCalls()).isEqualTo(2); // refused again
    h.advance(Duration.ofMinutes(1));
    assertThat(h.cloud.decreaseCalls()).isEqualTo(3);
    assertThat(h.live()).isZero();
    h.advance(Harness.DELETE);
    assertThat(h.inCloud()).isZero();
    assertThat(h.scaler.snapshot().instances()).isEmpty();
    assertThat(a.cancelCause()).isNull();
  }

  @Test
  void scaleThrottleLimitsCreationRate() {
    Harness h =
        new Harness(b -> b.policies(List.of(Policy.of(5))).maxInstances(10).scaleThrottle(1, 2));
    h.scaler.tick();
    assertThat(h.live()).isEqualTo(2); // the burst
    assertThat(h.scaler.snapshot().recentDecisions().getLast().notScaledBecause())
        .isEqualTo("throttled");
    h.advance(Duration.ofSeconds(1));
    assertThat(h.live()).isEqualTo(3);
    h.advance(Duration.ofSeconds(2));
    assertThat(h.live()).isEqualTo(5);
    assertThat(h.scaler.counter("fleetscaler_did_not_scale_total", "reason", "throttled"))
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void capacityErrorsBackOffThenRecover() {
    Harness h = Harness.withPolicy(Policy.of(1), 10, 1);
    h.simulated.failNextIncreases(1);
    h.scaler.tick();
    assertThat(h.live()).isZero();
    assertThat(h.scaler.counter("fleetscaler_provider_errors_total", "category", "capacity"))
        .isEqualTo(1);
    h.scaler.tick(); // still inside the backoff window: no call
    assertThat(h.scaler.counter("fleetscaler_did_not_scale_total", "reason", "backoff"))
        .isEqualTo(1);
    h.advance(Backoff.MAX);
    assertThat(h.live()).isEqualTo(1);
  }

  @Test
  void neverAboveMaxInstancesAndRefusesBeyondMaximumCapacity() {
    Harness h = Harness.withPolicy(Policy.of(0), 3, 2);
    List<CompletableFuture<Acquisition>> jobs = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      jobs.add(h.scaler.acquire("job-" + i, FOREVER));
    }
    assertThat(h.live()).isEqualTo(3);
    h.advance(Harness.BOOT);
    assertThat(jobs.subList(0, 6)).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    assertThat(jobs.get(6)).isNotDone();
    assertThat(h.live()).isEqualTo(3);
    assertThat(h.scaler.snapshot().recentDecisions().getLast().notScaledBecause())
        .isEqualTo("max_instances");
    // A reservation beyond the maximum capacity is refused; the waiting job gets a freed slot.
    assertThat(h.scaler.reserve("extra")).isEqualTo(ReserveResult.NO_CAPACITY);
    h.scaler.release("job-0");
    assertThat(jobs.get(6)).isCompleted();
    assertThat(h.live()).isEqualTo(3);
  }

  @Test
  void preemptiveModeReservesOnlyReadySlotsOtherwiseReservationsWait() {
    Harness preemptive = Harness.withPolicy(Policy.of(1), 5, 1);
    assertThat(preemptive.scaler.reserve("a")).isEqualTo(ReserveResult.NO_CAPACITY);

    Harness onDemand = Harness.withPolicy(Policy.of(0), 5, 1);
    assertThat(onDemand.scaler.reserve("a")).isEqualTo(ReserveResult.ACCEPTED_PENDING);
    assertThat(onDemand.scaler.reserve("a")).isEqualTo(ReserveResult.ALREADY_HELD);
    // A pending reservation alone does not create instances (no churn with long-polling)...
    onDemand.scaler.tick();
    assertThat(onDemand.live()).isZero();
    // ...the job that arrives for it does, at once.
    CompletableFuture<Acquisition> acq = onDemand.scaler.acquire("a", FOREVER);
    assertThat(onDemand.live()).isEqualTo(1);
    onDemand.advance(Harness.BOOT);
    assertThat(acq).isCompleted();
  }

  @Test
  void reloadingPoliciesKeepsReservationsAndAcquisitions() {
    Harness h = Harness.withPolicy(Policy.of(2), 10, 1);
    h.bootAll();
    assertThat(h.scaler.reserve("r")).isEqualTo(ReserveResult.RESERVED);
    Acquisition a = h.scaler.acquire("a", FOREVER).join();
    h.scaler.configure(List.of(Policy.of(0)));
    h.advance(Policy.DEFAULT_IDLE_TIME.plusSeconds(1));
    assertThat(h.scaler.snapshot().slots().reserved()).isEqualTo(1);
    assertThat(h.scaler.snapshot().slots().acquired()).isEqualTo(1);
    assertThat(a.cancelCause()).isNull();
    assertThat(h.scaler.snapshot().activePolicy().idleCount()).isZero();
    assertThat(h.scaler.unreserve("r")).isTrue();
  }

  @Test
  void acquisitionTimesOutOnTheScalersClock() {
    Harness h = Harness.withPolicy(Policy.of(0), 1, 1);
    CompletableFuture<Acquisition> busy = h.scaler.acquire("busy", FOREVER);
    h.advance(Harness.BOOT);
    assertThat(busy).isCompleted();
    CompletableFuture<Acquisition> waiting = h.scaler.acquire("late", Duration.ofMinutes(2));
    h.advance(Duration.ofMinutes(1));
    assertThat(waiting).isNotDone();
    h.advance(Duration.ofMinutes(1));
    assertThat(waiting).isCompletedExceptionally();
  }

  @Test
  void releaseServesAWaitingAcquisition() {
    Harness h = Harness.withPolicy(Policy.of(0), 1, 1);
    CompletableFuture<Acquisition> first = h.scaler.acquire("first", FOREVER);
    h.advance(Harness.BOOT);
    assertThat(first).isCompleted();
    CompletableFuture<Acquisition> next = h.scaler.acquire("next", FOREVER);
    assertThat(next).isNotDone();
    h.scaler.release("first");
    assertThat(next).isCompleted();
  }

  @Test
  void maxUseRetiresInstances() {
    Harness h = new Harness(b -> b.policies(List.of(Policy.of(0))).maxInstances(5).maxUseCount(1));
    Acquisition a = acquireReady(h, "a");
    h.scaler.release("a");
    h.scaler.tick();
    assertThat(h.inState(InstanceState.DELETING)).isEqualTo(1);
    assertThat(h.scaler.counter("fleetscaler_instance_deletions_total", "reason", "max_use"))
        .isEqualTo(1);
    assertThat(a.instanceId()).isNotNull();
  }

  @Test
  void snapshotExplainsDecisions() {
    Harness h = Harness.withPolicy(Policy.of(3), 10, 1);
    h.scaler.tick();
    ScalerSnapshot s = h.scaler.snapshot();
    assertThat(s.recentDecisions())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.requested()).isEqualTo(3);
              assertThat(d.created()).isEqualTo(3);
              assertThat(d.demand()).isEqualTo(3);
            });
    assertThat(s.requested()).isEqualTo(3);
    assertThat(s.instancesByState()).containsEntry("requested", 3);
    h.scaler.tick();
    assertThat(h.scaler.snapshot().instancesByState())
        .containsEntry("requested", 0)
        .containsEntry("creating", 3);
    h.scaler.shutdown();
  }

  @Test
  void shutdownWithDeletionDeletesIdleInstances() {
    Harness h =
        new Harness(
            b -> b.policies(List.of(Policy.of(2))).maxInstances(5).deleteInstancesOnShutdown(true));
    h.bootAll();
    h.scaler.shutdown();
    assertThat(h.live()).isZero();
    assertThat(h.scaler.counter("fleetscaler_instance_deletions_total", "reason", "shutdown"))
        .isEqualTo(2);
  }

  @Test
  void metricsUseFleetingNames() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Harness h = new Harness(b -> b.policies(List.of(Policy.of(1))).meterRegistry(registry));
    h.bootAll();
    assertThat(registry.get("fleeting.provisioner.instances").tag("state", "ready").gauge().value())
        .isEqualTo(1);
    assertThat(registry.get("fleeting.taskscaler.tasks").tag("state", "idle").gauge().value())
        .isEqualTo(1);
    assertThat(registry.get("fleeting.provisioner.max.instances").gauge().value()).isEqualTo(10);
    assertThat(
            registry
                .get("fleeting.provisioner.instance.operations")
                .tag("operation", "increase")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(registry.get("fleeting.taskscaler.desired.instances").gauge().value()).isEqualTo(1);
    assertThat(registry.get("fleeting.taskscaler.task.instance.readiness.time").timer().count())
        .isEqualTo(1);
    assertThat(h.scaler.reserve("k")).isEqualTo(ReserveResult.RESERVED);
    assertThat(h.scaler.unreserve("k")).isTrue();
    assertThat(
            registry
                .get("fleeting.taskscaler.task.operations")
                .tag("operation", "reserve")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(registry.get("fleetscaler.did.not.scale").tag("reason", "quota").functionCounter())
        .isNotNull();
    assertThat(DeletionReason.values())
        .allSatisfy(
            r ->
                registry
                    .get("fleetscaler.instance.deletions")
                    .tag("reason", r.label())
                    .functionCounter());
  }

  @Test
  void pendingReservationIsServedWhenAnInstanceBecomesReadyAndCountsOnce() {
    Harness h = Harness.withPolicy(Policy.of(0), 2, 1);
    assertThat(h.scaler.reserve("r")).isEqualTo(ReserveResult.ACCEPTED_PENDING);
    assertThat(h.scaler.snapshot().pendingReservations()).isEqualTo(1);
    Acquisition other = acquireReady(h, "other");
    h.scaler.release("other");
    // The release freed a slot: the pending reservation takes it.
    ScalerSnapshot s = h.scaler.snapshot();
    assertThat(s.pendingReservations()).isZero();
    assertThat(s.slots().reserved()).isEqualTo(1);
    assertThat(h.scaler.acquire("r", FOREVER)).isCompleted();
    assertThat(h.scaler.snapshot().slots().acquired()).isEqualTo(1);
    assertThat(other.instanceId()).isNotNull();
  }

  @Test
  void instancesFoundWithoutRecordAreDeletedForSafety() {
    Harness h = Harness.withPolicy(Policy.of(0), 5, 1);
    h.simulated.increase(2); // created behind the scaler's back, e.g. before a restart
    h.advance(Harness.BOOT);
    assertThat(h.inState(InstanceState.DELETING)).isEqualTo(2);
    assertThat(h.scaler.counter("fleetscaler_instance_deletions_total", "reason", "preexisting"))
        .isEqualTo(2);
  }

  @Test
  void pollsFasterWhileAChangeIsUnderWay() {
    Harness h = Harness.withPolicy(Policy.of(1), 5, 1);
    assertThat(h.scaler.interval()).isEqualTo(Duration.ofMinutes(1));
    h.scaler.tick(); // asks for one instance
    assertThat(h.scaler.interval()).isEqualTo(Duration.ofSeconds(2));
    h.advance(Harness.BOOT);
    h.scaler.tick();
    assertThat(h.ready()).isEqualTo(1);
    assertThat(h.scaler.interval()).isEqualTo(Duration.ofMinutes(1));
  }

  /**
   * gitlab-runner #38291: a weekend-to-weekday policy switch stopped intake. Here the cron period
   * starting on Monday scales up at the first tick after midnight, and reservations stay.
   */
  @Test
  void cronPolicySwitchScalesUpAtThePeriodBoundary() {
    Policy weekend = Policy.of(1).withPeriods(List.of("* * * * sat,sun"));
    Policy weekday = Policy.of(4).withPeriods(List.of("* * * * mon-fri"));
    Harness h = new Harness(b -> b.policies(List.of(weekend, weekday)).maxInstances(10));
    h.clock.set(java.time.Instant.parse("2026-01-04T23:58:00Z")); // Sunday
    h.bootAll();
    assertThat(h.ready()).isEqualTo(1);
    assertThat(h.scaler.reserve("r")).isEqualTo(ReserveResult.RESERVED);
    h.advance(Duration.ofMinutes(2)); // Monday 00:00:30
    assertThat(h.scaler.snapshot().activePolicy()).isEqualTo(weekday);
    // Four idle slots, the reserved one among them: reservations fill the idle pool.
    assertThat(h.live()).isEqualTo(4);
    assertThat(h.scaler.snapshot().slots().reserved()).isEqualTo(1);
  }

  @Test
  void missedUpdatesAreCountedAndPlanNothing() {
    Harness h = Harness.withPolicy(Policy.of(2), 10, 1);
    h.cloud.failNextUpdates(1);
    h.scaler.tick();
    assertThat(h.scaler.counter("fleeting_provisioner_missed_updates_total", "", "")).isEqualTo(1);
    assertThat(h.live()).isZero(); // no plan on a stale picture
    h.scaler.tick();
    assertThat(h.live()).isEqualTo(2);
  }

  @Test
  void cloudGrantingFewerInstancesIsReportedAsQuota() {
    Harness h = Harness.withPolicy(Policy.of(3), 10, 1);
    h.simulated.setCapacityLimit(1);
    h.scaler.tick();
    assertThat(h.live()).isEqualTo(1);
    assertThat(h.scaler.snapshot().recentDecisions().getLast())
        .satisfies(
            d -> {
              assertThat(d.requested()).isEqualTo(3);
              assertThat(d.created()).isEqualTo(1);
              assertThat(d.notScaledBecause()).isEqualTo("quota");
            });
    // The next request hits the stock-out as an error: counted, and backed off.
    h.scaler.tick();
    assertThat(h.scaler.counter("fleetscaler_provider_errors_total", "category", "capacity"))
        .isEqualTo(1);
    assertThat(h.scaler.counter("fleetscaler_did_not_scale_total", "reason", "quota")).isEqualTo(2);
  }

  @Test
  void brokenInstanceIsLostAfterTheThresholdItsJobCancelledAndItIsReplaced() {
    Harness h =
        new Harness(
            b ->
                b.policies(List.of(Policy.of(0)))
                    .maxInstances(5)
                    .heartbeat(Duration.ofMinutes(1), 2));
    Acquisition job = acquireReady(h, "job");
    h.simulated.breakInstance(job.instanceId());
    h.advance(Duration.ofMinutes(1)); // first failure: still in service
    assertThat(job.cancelCause()).isNull();
    assertThat(h.inState(InstanceState.DELETING)).isZero();
    h.advance(Duration.ofMinutes(1)); // second failure: lost, its job cancelled with the cause
    assertThat(job.cancelCause())
        .contains(job.instanceId())
        .contains("2 consecutive heartbeats failed")
        .contains("the plugin reports it unhealthy");
    assertThat(h.scaler.counter("fleetscaler_instance_losses_total", "cause", "heartbeat"))
        .isEqualTo(1);
    assertThat(h.inState(InstanceState.DELETING)).isEqualTo(1);
    assertThat(h.scaler.counter("fleetscaler_instance_deletions_total", "reason", "unhealthy"))
        .isEqualTo(1);
    assertThat(h.scaler.release("job")).isFalse();
    // No new work goes there: the next job waits for a new instance.
    CompletableFuture<Acquisition> next = h.scaler.acquire("next", FOREVER);
    assertThat(next).isNotDone();
    h.advance(Harness.BOOT);
    assertThat(next).isCompleted();
    assertThat(next.join().instanceId()).isNotEqualTo(job.instanceId());
  }

  /**
   * gitlab-runner #39161 on the engine: in preemptive mode every long-polling worker reserves
   * whatever idle slot there is; the fleet must not ratchet up to max_instances on reservations.
   */
  @Test
  void longPollingReservationsDoNotRatchetTheFleetUp() {
    Harness h = Harness.withPolicy(Policy.of(1), 10, 1);
    h.bootAll();
    for (int poll = 0; poll < 10; poll++) {
      // Ten workers try to reserve before each long poll; only the idle slot can be taken.
      int reserved = 0;
      for (int w = 0; w < 10; w++) {
        if (h.scaler.reserve("worker-" + w) == ReserveResult.RESERVED) {
          reserved++;
        }
      }
      assertThat(reserved).isLessThanOrEqualTo(1);
      h.advance(Duration.ofSeconds(30));
      for (int w = 0; w < 10; w++) {
        h.scaler.unreserve("worker-" + w);
      }
    }
    assertThat(h.live()).isEqualTo(1);
  }

  static Acquisition acquireReady(Harness h, String key) {
    CompletableFuture<Acquisition> f = h.scaler.acquire(key, FOREVER);
    h.advance(Harness.BOOT);
    assertThat(f).isCompleted();
    return f.join();
  }
}
