/**
 * The daemon's composition root and command line: {@code fleetscaler run} wires a plugin, the fleet
 * monitor and the HTTP endpoints together and stops them in order on SIGTERM.
 */
@NullMarked
package io.fleetscaler.daemon;

import org.jspecify.annotations.NullMarked;
