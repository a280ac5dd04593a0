/**
 * The load generator of the daemon's gRPC API: concurrent runner-manager clients cycling reserve,
 * acquire and release over loopback against the daemon, in this JVM or as the packaged jar in a
 * subprocess, reporting throughput, latency percentiles, the daemon's resident memory and its
 * start-up time. A plain {@code main}, not JMH: the measured system is a server with its own
 * threads, and what matters is its behaviour under many concurrent callers.
 */
@NullMarked
package io.fleetscaler.benchmarks.api;

import org.jspecify.annotations.NullMarked;
