/**
 * The planner: a pure function from a {@link io.fleetscaler.core.planner.FleetSnapshot}, the active
 * {@link io.fleetscaler.core.policy.Policy}, the fleet's {@link io.fleetscaler.core.planner.Limits}
 * and the time to a {@link io.fleetscaler.core.planner.Plan} (how many instances to create and
 * which to delete, each with a {@link io.fleetscaler.core.planner.DeletionReason}). It owns the
 * desired-instances formula and every guard against taskscaler's known scaling bugs; it calls
 * nothing and changes nothing, so the provisioner applies its plans and tests and simulators can
 * run it on any snapshot.
 */
@NullMarked
package io.fleetscaler.core.planner;

import org.jspecify.annotations.NullMarked;
