/**
 * Job traces: streaming readers of {@code arrival_seconds,duration_seconds} files, one job a line,
 * sorted by arrival, that check every line and name the first bad one by its line number.
 */
@NullMarked
package io.fleetscaler.simulator.trace;

import org.jspecify.annotations.NullMarked;
