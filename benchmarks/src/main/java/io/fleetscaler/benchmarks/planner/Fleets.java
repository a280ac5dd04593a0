package io.fleetscaler.benchmarks.planner;

import io.fleetscaler.core.planner.DeletionReason;
import io.fleetscaler.core.planner.FleetSnapshot;
import io.fleetscaler.core.planner.InstanceInfo;
import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.planner.Limits;
import io.fleetscaler.core.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded fleet snapshots shaped like a busy production fleet, as the provisioner builds them.
 *
 * <p>Per 100 instances: 60 ready with 1 to 4 of their 4 slots held, 20 ready and idle for less than
 * {@code idle_time}, 8 ready and idle for longer (the scale-in candidates), 3 ready at {@code
 * max_use_count}, 2 unhealthy, 2 draining with a job still running, 2 being deleted, 2 booting
 * (creating or running) and 1 timed out in the cloud. Positions are shuffled and idle spells drawn
 * at random, so ordering by idle time has real work to do.
 */
final class Fleets {
  /** Slots per instance. */
  static final int CAPACITY = 4;

  /** {@code max_use_count}. */
  static final int MAX_USE = 100;

  /** {@code idle_time} of the policy. */
  static final Duration IDLE_TIME = Duration.ofMinutes(10);

  /** The instant every plan is made at. */
  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  private Fleets() {}

  /** The policy every generated fleet is planned with: 1 % of the slots idle, 10 minutes. */
  static Policy policy(int instances) {
    return Policy.of(Math.max(1, instances * CAPACITY / 100)).withIdleTime(IDLE_TIME);
  }

  /** Room to grow: the maximum is twice the fleet. */
  static Limits limits(int instances) {
    return new Limits(instances * 2, CAPACITY, MAX_USE);
  }

  /**
   * A steady fleet: nothing waits, so the plan takes the scale-in path and deletes idle-expired
   * instances while the rest cover demand.
   */
  static FleetSnapshot steady(int instances, long seed) {
    return generate(instances, seed).withRequested(instances / 100);
  }

  /**
   * A surge: acquisitions waiting for as many slots as the fleet has, so the plan takes the
   * scale-up path (no instance can go).
   */
  static FleetSnapshot surge(int instances, long seed) {
    return steady(instances, seed).withPending((long) instances * CAPACITY);
  }

  private static FleetSnapshot generate(int instances, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<InstanceInfo> infos = new ArrayList<>(instances);
    long held = 0;
    for (int i = 0; i < instances; i++) {
      InstanceInfo info = instance(String.format("sim-%06d", i + 1), random.nextInt(100), random);
      held += Math.min(info.held(), CAPACITY);
      infos.add(info);
    }
    for (int i = infos.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      InstanceInfo t = infos.get(i);
      infos.set(i, infos.get(j));
      infos.set(j, t);
    }
    // A fifth of the held slots are reservations (long polls), the rest running jobs.
    return new FleetSnapshot(infos, 0, 0, false, held / 5);
  }

  private static InstanceInfo instance(String id, int bucket, SplittableRandom random) {
    Instant readyAt = NOW.minus(minutes(random, 15, 600));
    int claims = random.nextInt(MAX_USE);
    if (bucket < 60) {
      int held = 1 + random.nextInt(CAPACITY);
      Instant released = random.nextBoolean() ? NOW.minus(minutes(random, 0, 30)) : null;
      return new InstanceInfo(
          id, InstancePhase.READY, held, claims + held, false, readyAt, released, null);
    }
    if (bucket < 80) {
      Instant released = NOW.minusMillis(random.nextLong(IDLE_TIME.toMillis()));
      return new InstanceInfo(id, InstancePhase.READY, 0, claims, false, readyAt, released, null);
    }
    if (bucket < 88) {
      Instant released = random.nextBoolean() ? NOW.minus(minutes(random, 10, 120)) : null;
      Instant ready = released == null ? NOW.minus(minutes(random, 10, 120)) : readyAt;
      return new InstanceInfo(id, InstancePhase.READY, 0, claims, false, ready, released, null);
    }
    if (bucket < 91) {
      int held = random.nextInt(2);
      return new InstanceInfo(
          id,
          InstancePhase.READY,
          held,
          MAX_USE,
          true,
          readyAt,
          NOW.minus(minutes(random, 0, 60)),
          null);
    }
    if (bucket < 93) {
      return new InstanceInfo(
          id, InstancePhase.UNHEALTHY, random.nextInt(2), claims, false, readyAt, null, null);
    }
    if (bucket < 95) {
      return new InstanceInfo(
          id,
          InstancePhase.DRAINING,
          1,
          claims,
          false,
          readyAt,
          null,
          random.nextBoolean() ? DeletionReason.IDLE_TIME : DeletionReason.UNHEALTHY);
    }
    if (bucket < 97) {
      return InstanceInfo.outside(id, InstancePhase.DELETING);
    }
    if (bucket < 99) {
      return InstanceInfo.outside(
          id, random.nextBoolean() ? InstancePhase.CREATING : InstancePhase.RUNNING);
    }
    return InstanceInfo.outside(id, InstancePhase.TIMEOUT);
  }

  /**
   * A random duration between {@code from} (inclusive) and {@code to} minutes, to the millisecond.
   */
  private static Duration minutes(SplittableRandom random, int from, int to) {
    return Duration.ofMillis(random.nextLong(from * 60_000L, to * 60_000L));
  }
}
