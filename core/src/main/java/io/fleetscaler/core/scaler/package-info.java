/**
 * The embeddable task scaler: {@link io.fleetscaler.core.scaler.TaskScaler} hands out job slots
 * (reserve, acquire, release) on top of the lock-free slot allocator, keeps the demand that no slot
 * can serve yet, and runs the provisioner loop that reconciles the plugin's {@code update} against
 * its table of expected instances, plans with the pure planner and applies plans through the plugin
 * under a token-bucket throttle with jittered backoff. It also owns the scaler's metrics.
 */
@NullMarked
package io.fleetscaler.core.scaler;

import org.jspecify.annotations.NullMarked;
