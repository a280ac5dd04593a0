/**
 * The daemon's HTTP port (the JDK's HTTP server): {@code /metrics} in the Prometheus text format,
 * {@code /healthz} (the process is alive) and {@code /readyz} (the fleet is being observed).
 */
@NullMarked
package io.fleetscaler.daemon.http;

import org.jspecify.annotations.NullMarked;
