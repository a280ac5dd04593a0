/**
 * Whether this process may act on the cloud right now: the {@link
 * io.fleetscaler.core.lease.LeaseGuard} a scaler consults before each plugin call and before it
 * hands out an acquisition. Alone (no high availability) the answer is always yes; under high
 * availability the daemon answers from its leader lease, by its own monotonic clock.
 */
@NullMarked
package io.fleetscaler.core.lease;

import org.jspecify.annotations.NullMarked;
