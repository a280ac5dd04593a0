/**
 * The simulator: replays a job trace through the real {@link io.fleetscaler.core.scaler.TaskScaler}
 * (planner, slot allocator, provisioner loop) on the simulated cloud under a virtual clock, and
 * measures what a scaling configuration costs (instance-hours) against what it makes jobs wait. A
 * discrete-event loop jumps the clock from one event to the next: a job arriving or ending, the
 * scaler's next loop step, a cloud-side change; every job reserves, acquires, runs and releases
 * through the same calls a runner manager makes.
 */
@NullMarked
package io.fleetscaler.simulator;

import org.jspecify.annotations.NullMarked;
