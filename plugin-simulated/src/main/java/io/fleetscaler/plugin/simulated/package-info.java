/**
 * The simulated provider: an in-memory cloud behind {@link
 * io.fleetscaler.plugin.simulated.SimulatedInstanceGroup}, with configurable create and delete
 * latency, injectable capacity errors, boot failures and instance loss, driven by an injected
 * {@link java.time.InstantSource} and a seeded random generator so that the same calls under the
 * same clock always give the same results. It is the reference plugin of the conformance kit, the
 * provider of the scaler's tests and of the daemon's default group, and runs as a plugin process
 * through {@link io.fleetscaler.plugin.simulated.SimulatedPluginMain}. {@link
 * io.fleetscaler.plugin.simulated.ManualClock} is the settable clock those tests share.
 */
@NullMarked
package io.fleetscaler.plugin.simulated;

import org.jspecify.annotations.NullMarked;
