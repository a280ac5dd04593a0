/**
 * Scaling policies: what idle capacity to keep, and when. A {@link
 * io.fleetscaler.core.policy.Policy} holds {@code idle_count}, {@code idle_time}, the scale factor
 * and {@code preemptive_mode} together with the cron periods (read as time ranges in a time zone)
 * during which it applies; a {@link io.fleetscaler.core.policy.PolicySchedule} picks the policy
 * active at an instant, the last matching one winning. Everything here is immutable and pure.
 */
@NullMarked
package io.fleetscaler.core.policy;

import org.jspecify.annotations.NullMarked;
