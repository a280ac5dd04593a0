/**
 * The standby-pool frontier study: replays the shipped trace (or a window of it) for a set of
 * configurations with and without a standby pool, and writes cost against wait as Markdown tables
 * and an SVG plot for {@code docs/}.
 */
@NullMarked
package io.fleetscaler.simulator.frontier;

import org.jspecify.annotations.NullMarked;
