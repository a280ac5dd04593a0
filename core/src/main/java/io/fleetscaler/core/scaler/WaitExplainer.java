package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.planner.Plan;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.slots.SlotCounts;
import io.fleetscaler.plugin.api.ProviderException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Answers "why is my job waiting?" for one group: the provisioner side records what held capacity
 * back as it plans and calls the plugin (under the control lock), and publishes it as one immutable
 * {@link Facts}; {@link #explain} reads that publication plus the request-side figures it is given
 * (slot counts, waiting demand, the policy in force), so an answer never waits for the control lock
 * or the cloud, as {@link TaskScaler#snapshot()} does not. Also binds the metrics that say the
 * same: {@code fleetscaler_scale_blocked{reason}}, {@code fleetscaler_acquire_wait_seconds} and
 * {@code fleetscaler_acquire_timeouts_total{reason}}.
 *
 * <p>Thread-safety: the recording methods run under the control lock; {@link #explain}, the meters
 * and {@link #acquireWaited} run on any thread.
 */
final class WaitExplainer implements MeterBinder {
  /** How many request-to-ready times the boot estimate keeps (their median is the estimate). */
  static final int BOOT_SAMPLES = 16;

  /** What the provisioner last saw, published under the control lock for lock-free readers. */
  private record Facts(
      int planned,
      int created,
      String notScaled,
      boolean limitedByMax,
      long demand,
      int capacityInstances,
      @Nullable Instant backoffUntil,
      int providerErrors,
      String providerError,
      @Nullable Instant providerErrorAt,
      @Nullable Instant readinessUntil,
      String readinessError,
      @Nullable Instant readinessErrorAt,
      String capacityError,
      @Nullable Instant capacityErrorAt,
      int capacityAsked,
      int capacityGranted,
      @Nullable Instant updateFailingSince,
      int updateFailures,
      List<BootingInstance> booting,
      int bootingTotal,
      @Nullable Duration bootEstimate) {
    static final Facts NONE =
        new Facts(
            0, 0, "", false, 0, 0, null, 0, "", null, null, "", null, "", null, 0, 0, null, 0,
            List.of(), 0, null);
  }

  private final int maxInstances;
  private final int capacityPerInstance;
  private final Supplier<WaitReasons> source;
  private volatile Facts facts = Facts.NONE;

  // Under control.
  private final long[] bootMillis = new long[BOOT_SAMPLES];
  private int bootSamples;
  private int bootNext;
  private @Nullable Instant lastReadySeen;
  private @Nullable Instant lastIncreaseAt;
  private int providerErrors;
  private String providerError = "";
  private @Nullable Instant providerErrorAt;
  private String capacityError = "";
  private @Nullable Instant capacityErrorAt;
  private int capacityAsked;
  private int capacityGranted;
  private @Nullable Instant updateFailingSince;
  private int updateFailures;

  private final List<Timer> waitTimers = new CopyOnWriteArrayList<>();
  // Indexed by BlockingReason.Kind's ordinal.
  private final LongAdder[] timeouts = new LongAdder[BlockingReason.Kind.values().length];
  private final LongAdder timeoutsUnexplained = new LongAdder();

  /**
   * @param source the group's current reasons ({@link TaskScaler#waitReasons()}), read by the
   *     {@code fleetscaler_scale_blocked} gauges
   */
  WaitExplainer(int maxInstances, int capacityPerInstance, Supplier<WaitReasons> source) {
    this.maxInstances = maxInstances;
    this.capacityPerInstance = capacityPerInstance;
    this.source = source;
    for (int i = 0; i < timeouts.length; i++) {
      timeouts[i] = new LongAdder();
    }
  }

  // ---- recording, under the control lock ----

  /** An increase of {@code asked} was answered with {@code granted} at {@code now}. */
  void increased(int asked, int granted, Instant now) {
    providerErrors = 0;
    lastIncreaseAt = now;
    if (granted < asked) {
      capacityError = "the provider granted " + granted + " of " + asked + " instances";
      capacityErrorAt = now;
      capacityAsked = asked;
      capacityGranted = granted;
    } else {
      capacityError = "";
      capacityErrorAt = null;
    }
  }

  /** An increase of {@code asked} failed with {@code error} at {@code now}. */
  void increaseFailed(int asked, ProviderException error, Instant now) {
    providerErrors++;
    providerError = errorText(error);
    providerErrorAt = now;
    if (error instanceof ProviderException.Capacity) {
      capacityError = providerError;
      capacityErrorAt = now;
      capacityAsked = asked;
      capacityGranted = 0;
    }
  }

  /** The plugin's update succeeded ({@code ok}) or failed at {@code now}. */
  void updated(boolean ok, Instant now) {
    if (ok) {
      updateFailingSince = null;
      updateFailures = 0;
    } else {
      if (updateFailingSince == null) {
        updateFailingSince = now;
      }
      updateFailures++;
      publish(facts, now);
    }
  }

  /**
   * A plan was applied: records what held creation back, learns boot times from instances that
   * became ready, and publishes the lot.
   *
   * @param notScaled the actuator's reason for creating fewer than planned, empty if none
   * @param created instances the cloud accepted
   * @param backoff the provider backoff; {@code readiness} gives the readiness backoff
   */
  void planned(
      Plan plan,
      String notScaled,
      int created,
      Backoff backoff,
      ReadinessGate readiness,
      Collection<Provisioner.Tracked> table,
      int requested,
      Instant now) {
    learnBootTimes(table);
    Duration estimate = bootEstimate();
    List<BootingInstance> booting = new ArrayList<>();
    for (Provisioner.Tracked t : table) {
      if (t.phase == InstancePhase.CREATING || t.phase == InstancePhase.RUNNING) {
        Instant since = t.requestedAt != null ? t.requestedAt : t.firstSeen;
        booting.add(
            new BootingInstance(
                t.id,
                t.phase.name().toLowerCase(java.util.Locale.ROOT),
                since,
                estimate == null ? null : since.plus(estimate)));
      }
    }
    Instant askedAt = lastIncreaseAt;
    for (int i = 0; i < requested && askedAt != null; i++) {
      booting.add(
          new BootingInstance(
              "", "requested", askedAt, estimate == null ? null : askedAt.plus(estimate)));
    }
    int total = booting.size();
    booting.sort(
        Comparator.comparing(
            (BootingInstance b) -> b.expectedReadyAt() == null ? b.since() : b.expectedReadyAt()));
    if (booting.size() > WaitReasons.MAX_BOOTING) {
      booting = booting.subList(0, WaitReasons.MAX_BOOTING);
    }
    Backoff rb = readiness.backoff();
    facts =
        new Facts(
            plan.create(),
            created,
            notScaled,
            plan.limitedByMax(),
            plan.demand(),
            plan.capacityInstances(),
            backoff.active(now) ? backoff.until() : null,
            providerErrors,
            providerError,
            providerErrorAt,
            rb.active(now) ? rb.until() : null,
            readiness.lastFailure(),
            readiness.lastFailureAt(),
            capacityError,
            capacityErrorAt,
            capacityAsked,
            capacityGranted,
            updateFailingSince,
            updateFailures,
            List.copyOf(booting),
            total,
            estimate);
  }

  private void publish(Facts f, Instant now) {
    facts =
        new Facts(
            f.planned(),
            f.created(),
            f.notScaled(),
            f.limitedByMax(),
            f.demand(),
            f.capacityInstances(),
            f.backoffUntil(),
            f.providerErrors(),
            f.providerError(),
            f.providerErrorAt(),
            f.readinessUntil(),
            f.readinessError(),
            f.readinessErrorAt(),
            f.capacityError(),
            f.capacityErrorAt(),
            f.capacityAsked(),
            f.capacityGranted(),
            updateFailingSince != null ? updateFailingSince : now,
            updateFailures,
            f.booting(),
            f.bootingTotal(),
            f.bootEstimate());
  }

  /** Samples request-to-ready times of instances that became ready since the last plan. */
  private void learnBootTimes(Collection<Provisioner.Tracked> table) {
    Instant newest = lastReadySeen;
    for (Provisioner.Tracked t : table) {
      Instant ready = t.readyAt;
      Instant asked = t.requestedAt;
      if (ready == null || asked == null) {
        continue;
      }
      if (lastReadySeen == null || ready.isAfter(lastReadySeen)) {
        bootMillis[bootNext] = Math.max(0, Duration.between(asked, ready).toMillis());
        bootNext = (bootNext + 1) % BOOT_SAMPLES;
        bootSamples = Math.min(bootSamples + 1, BOOT_SAMPLES);
        if (newest == null || ready.isAfter(newest)) {
          newest = ready;
        }
      }
    }
    lastReadySeen = newest;
  }

  /** The median of the sampled request-to-ready times, null before the first. */
  private @Nullable Duration bootEstimate() {
    if (bootSamples == 0) {
      return null;
    }
    long[] sorted = Arrays.copyOf(bootMillis, bootSamples);
    Arrays.sort(sorted);
    return Duration.ofMillis(sorted[bootSamples / 2]);
  }

  private static String errorText(ProviderException e) {
    String category =
        switch (e) {
          case ProviderException.NotFound n -> "not_found";
          case ProviderException.Unhealthy u -> "unhealthy";
          case ProviderException.Capacity c -> "capacity";
          case ProviderException.Unavailable u -> "unavailable";
          case ProviderException.InvalidConfig i -> "invalid_config";
          case ProviderException.Unsupported u -> "unsupported";
        };
    String message = e.getMessage();
    return category + ": " + (message == null || message.isEmpty() ? "(no message)" : message);
  }

  // ---- answers, on any thread ----

  /**
   * The reasons that hold now, from the last publication and the given request-side figures. Never
   * waits.
   */
  WaitReasons explain(
      Instant now,
      Policy policy,
      SlotCounts slots,
      int waiting,
      int pendingReservations,
      Map<String, Integer> instancesByState,
      boolean shutDown) {
    Facts f = facts;
    List<BlockingReason> reasons = new ArrayList<>();
    if (shutDown) {
      reasons.add(reason(BlockingReason.Kind.SHUT_DOWN, "the scaler is shut down", 0, 0));
    }
    Instant failingSince = f.updateFailingSince();
    if (failingSince != null) {
      reasons.add(
          new BlockingReason(
              BlockingReason.Kind.UPDATE_FAILING,
              "the plugin's update failed "
                  + f.updateFailures()
                  + " time(s) in a row since "
                  + failingSince
                  + ": the scaler cannot see its fleet and does not scale",
              f.updateFailures(),
              0,
              failingSince,
              null,
              ""));
    }
    boolean wantsMore = f.planned() > 0;
    if (f.limitedByMax()) {
      int instances = instancesByState.values().stream().mapToInt(Integer::intValue).sum();
      reasons.add(
          reason(
              BlockingReason.Kind.MAX_INSTANCES,
              "at max_instances: "
                  + instances
                  + " instances of "
                  + maxInstances
                  + "; demand is "
                  + f.demand()
                  + " slots, capacity "
                  + (long) f.capacityInstances() * capacityPerInstance
                  + " slots ("
                  + waiting
                  + " acquisitions waiting)",
              instances,
              maxInstances));
    }
    if (f.notScaled().equals("throttled")) {
      int heldBack = Math.max(0, f.planned() - f.created());
      reasons.add(
          reason(
              BlockingReason.Kind.SCALE_THROTTLE,
              "scale_throttle allowed "
                  + f.created()
                  + " of "
                  + f.planned()
                  + " planned creations; "
                  + heldBack
                  + " wait for tokens",
              heldBack,
              0));
    }
    Instant backoffUntil = f.backoffUntil();
    if (backoffUntil != null && now.isBefore(backoffUntil) && wantsMore) {
      reasons.add(
          new BlockingReason(
              BlockingReason.Kind.PROVIDER_BACKOFF,
              "creation backs off until "
                  + backoffUntil
                  + " after "
                  + f.providerErrors()
                  + " provider error(s) in a row; last: "
                  + f.providerError(),
              f.providerErrors(),
              0,
              f.providerErrorAt(),
              backoffUntil,
              f.providerError()));
    }
    if (!f.capacityError().isEmpty() && wantsMore) {
      reasons.add(
          new BlockingReason(
              BlockingReason.Kind.CAPACITY_ERROR,
              "the provider is out of capacity: asked "
                  + f.capacityAsked()
                  + ", granted "
                  + f.capacityGranted()
                  + " ("
                  + f.capacityError()
                  + ")",
              (long) f.capacityAsked() - f.capacityGranted(),
              0,
              f.capacityErrorAt(),
              null,
              f.capacityError()));
    }
    Instant readinessUntil = f.readinessUntil();
    if (readinessUntil != null && now.isBefore(readinessUntil) && wantsMore) {
      reasons.add(
          new BlockingReason(
              BlockingReason.Kind.READINESS_BACKOFF,
              "creation backs off until "
                  + readinessUntil
                  + " after an instance failed its ready command: "
                  + f.readinessError(),
              0,
              0,
              f.readinessErrorAt(),
              readinessUntil,
              f.readinessError()));
    }
    if (f.bootingTotal() > 0) {
      List<BootingInstance> b = f.booting();
      Instant first = b.isEmpty() ? null : b.get(0).expectedReadyAt();
      Duration estimate = f.bootEstimate();
      reasons.add(
          new BlockingReason(
              BlockingReason.Kind.BOOTING,
              f.bootingTotal()
                  + " instance(s) booting; "
                  + (first == null || estimate == null
                      ? "no boot time observed yet"
                      : "the first expected ready at "
                          + first
                          + " (typical boot "
                          + estimate.toSeconds()
                          + "s)"),
              f.bootingTotal(),
              0,
              b.isEmpty() ? null : b.get(0).since(),
              first,
              ""));
    }
    if (policy.preemptiveMode() && slots.idle() == 0) {
      reasons.add(
          reason(
              BlockingReason.Kind.PREEMPTIVE_MODE,
              "preemptive_mode refuses reservations while no ready slot is idle",
              0,
              0));
    }
    if (policy.idleTarget(slots.acquired()) == 0) {
      reasons.add(
          reason(
              BlockingReason.Kind.IDLE_TARGET_ZERO,
              "the policy in force keeps no idle slot (idle_count 0"
                  + (policy.periods().equals(List.of(Policy.ALWAYS))
                      ? ""
                      : " in periods " + policy.periods())
                  + "): a job waits for an instance to boot unless a slot is free",
              0,
              0));
    }
    return new WaitReasons(now, waiting, pendingReservations, reasons, f.booting());
  }

  private static BlockingReason reason(BlockingReason.Kind kind, String detail, long n, long of) {
    return new BlockingReason(kind, detail, n, of, null, null, "");
  }

  /** An acquisition ended (served, failed or given up) after waiting {@code nanos}. */
  void acquireWaited(long nanos) {
    for (Timer t : waitTimers) {
      t.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** An acquisition timed out while {@code reasons} held: counted once per reason. */
  void acquireTimedOut(WaitReasons reasons) {
    if (reasons.reasons().isEmpty()) {
      timeoutsUnexplained.increment();
    }
    for (BlockingReason r : reasons.reasons()) {
      timeouts[r.kind().ordinal()].increment();
    }
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (BlockingReason.Kind k : BlockingReason.Kind.values()) {
      Gauge.builder(
              ScalerMetrics.meterName("fleetscaler_scale_blocked"),
              () -> source.get().holds(k) ? 1 : 0)
          .description("1 while the reason holds the group's capacity back, else 0")
          .tag("reason", k.label())
          .register(registry);
      FunctionCounter.builder(
              ScalerMetrics.meterName("fleetscaler_acquire_timeouts_total"),
              timeouts[k.ordinal()],
              LongAdder::sum)
          .description("Acquisitions that timed out, by each reason that held then")
          .tag("reason", k.label())
          .register(registry);
    }
    FunctionCounter.builder(
            ScalerMetrics.meterName("fleetscaler_acquire_timeouts_total"),
            timeoutsUnexplained,
            LongAdder::sum)
        .description("Acquisitions that timed out, by each reason that held then")
        .tag("reason", "none")
        .register(registry);
    waitTimers.add(
        Timer.builder(ScalerMetrics.meterName("fleetscaler_acquire_wait_seconds"))
            .description("How long acquisitions waited for a slot (0 when one was free)")
            .serviceLevelObjectives(
                ScalerMetrics.BOOT_BUCKETS.stream()
                    .map(s -> Duration.ofMillis(Math.round(s * 1000)))
                    .toArray(Duration[]::new))
            .register(registry));
  }
}
