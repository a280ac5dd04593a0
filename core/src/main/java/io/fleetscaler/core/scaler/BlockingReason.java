package io.fleetscaler.core.scaler;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One reason that holds a group's capacity back now, with its figures: the answer to "why is my job
 * waiting?" is the list of these in {@link WaitReasons}.
 *
 * @param kind which reason
 * @param detail one sentence with the figures, for people ("at max_instances: 10 of 10 ...")
 * @param count the reason's main figure: instances in use at the maximum, creations held back by
 *     the throttle, consecutive errors in a backoff, instances booting; 0 when it has none
 * @param limit the bound the count is held against ({@code max_instances}), 0 when none
 * @param since when the reason began, as far as the scaler knows; null when unknown
 * @param until when it is expected to end (a backoff's end, the first booting instance's expected
 *     ready time); null when unknown or open-ended
 * @param error the provider's error text behind a backoff or a capacity refusal, else empty
 */
public record BlockingReason(
    Kind kind,
    String detail,
    long count,
    long limit,
    @Nullable Instant since,
    @Nullable Instant until,
    String error) {

  public BlockingReason {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(error, "error");
  }

  /** The fixed set of reasons; {@link #label()} is the word used in the API and the metrics. */
  public enum Kind {
    /** The scaler is shut down: it hands out nothing. */
    SHUT_DOWN,
    /** The plugin's {@code update} fails: the scaler cannot see its fleet and does not scale. */
    UPDATE_FAILING,
    /** The group has {@code max_instances} instances and demand wants more. */
    MAX_INSTANCES,
    /** The {@code scale_throttle} token bucket allowed fewer creations than planned. */
    SCALE_THROTTLE,
    /** Creation waits out a backoff after the provider refused or failed an increase. */
    PROVIDER_BACKOFF,
    /** The provider said it has no capacity (or granted fewer instances than asked). */
    CAPACITY_ERROR,
    /** Creation waits out a backoff after instances failed their {@code instance_ready_command}. */
    READINESS_BACKOFF,
    /** Instances are on their way: requested, creating or running and not ready yet. */
    BOOTING,
    /** {@code preemptive_mode} refuses reservations while no ready slot is free. */
    PREEMPTIVE_MODE,
    /** The policy in force keeps no idle slot, so a job waits for an instance to boot. */
    IDLE_TARGET_ZERO;

    /** The reason's name in the API, {@code fleetscaler status} and metric labels. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
