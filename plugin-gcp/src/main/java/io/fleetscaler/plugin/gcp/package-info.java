/**
 * The Google Cloud provider: an {@link io.fleetscaler.plugin.api.InstanceGroup} over one Compute
 * Engine managed instance group (zonal or regional), on the {@code google-cloud-compute} client. It
 * owns the reading of the plugin's {@code plugin_config}, the client settings and their bounded
 * retries, the bounded wait for Compute {@code Operation}s, the mapping of managed-instance states
 * and of Google errors to the SPI's sealed categories, scale-in by {@code deleteInstances}, SSH
 * keys added to instance metadata with an expiry, suspend and resume, and the executable plugin
 * entry point {@link io.fleetscaler.plugin.gcp.GcpPluginMain}.
 */
@NullMarked
package io.fleetscaler.plugin.gcp;

import org.jspecify.annotations.NullMarked;
