/**
 * Reports of replays: results side by side as a text table or as JSON, the per-minute time series
 * as CSV, and an SVG plot of demand against instances over time. Every writer streams or keeps a
 * bounded amount of data, whatever the trace's length.
 */
@NullMarked
package io.fleetscaler.simulator.report;

import org.jspecify.annotations.NullMarked;
