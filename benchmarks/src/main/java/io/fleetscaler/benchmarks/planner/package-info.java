/**
 * JMH benchmarks of one planner decision ({@link io.fleetscaler.core.planner.Planner#plan}) on
 * large fleet snapshots, the generator of those snapshots, and the baseline the planner is measured
 * against: the same plan computed by ordering every removable instance by idle time, as the planner
 * did before it learnt to order only the idle-expired ones. Baselines live here, never in {@code
 * core}.
 */
@NullMarked
package io.fleetscaler.benchmarks.planner;

import org.jspecify.annotations.NullMarked;
