package io.fleetscaler.core.scaler;

import io.fleetscaler.core.planner.InstancePhase;
import io.fleetscaler.core.planner.Plan;
import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.slots.SlotCounts;
import io.fleetscaler.plugin.api.ProviderException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
  record Facts(
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

  private final WaitMetrics meters;

  /**
   * @param source the group's current reasons ({@link TaskScaler#waitReasons()}), read by the
   *     {@code fleetscaler_scale_blocked} gauges
   */
  WaitExplainer(int maxInstances, int capacityPerInstance, Supplier<WaitReasons> source) {
    this.maxInstances = maxInstances;
    this.capacityPerInstance = capacityPerInstance;
    this.meters = new WaitMetrics(source);
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
    List<BootingInstance> booting = booting(table, requested, estimate);
    int total = booting.size();
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

  /**
   * The instances on their way to ready (creating or running, then the {@code requested} ones the
   * cloud has not reported yet), soonest expected first, every one of them.
   */
  private List<BootingInstance> booting(
      Collection<Provisioner.Tracked> table, int requested, @Nullable Duration estimate) {
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
    booting.sort(
        Comparator.comparing(
            (BootingInstance b) -> {
              Instant expected = b.expectedReadyAt();
              return expected == null ? b.since() : expected;
            }));
    return booting;
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
      reasons.add(WaitReasonWords.reason(BlockingReason.Kind.SHUT_DOWN, "the scaler is shut down"));
    }
    WaitReasonWords.updateFailing(f, reasons);
    WaitReasonWords.limits(
        f, maxInstances, capacityPerInstance, waiting, instancesByState, reasons);
    WaitReasonWords.creationHeld(f, now, reasons);
    WaitReasonWords.booting(f, reasons);
    WaitReasonWords.policy(policy, slots, reasons);
    return new WaitReasons(now, waiting, pendingReservations, reasons, f.booting());
  }

  /** An acquisition ended (served, failed or given up) after waiting {@code nanos}. */
  void acquireWaited(long nanos) {
    meters.acquireWaited(nanos);
  }

  /** An acquisition timed out while {@code reasons} held: counted once per reason. */
  void acquireTimedOut(WaitReasons reasons) {
    meters.acquireTimedOut(reasons);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    meters.bindTo(registry);
  }
}
