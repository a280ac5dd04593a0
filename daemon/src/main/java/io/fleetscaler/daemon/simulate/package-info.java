/**
 * {@code fleetscaler simulate}: replays a job trace against one or more scaling configurations on
 * the simulated cloud and prints what each costs and makes jobs wait, side by side.
 */
@NullMarked
package io.fleetscaler.daemon.simulate;

import org.jspecify.annotations.NullMarked;
