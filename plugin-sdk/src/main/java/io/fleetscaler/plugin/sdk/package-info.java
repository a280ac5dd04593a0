/**
 * Both ends of the plugin wire: {@link io.fleetscaler.plugin.sdk.PluginServer} turns an {@link
 * io.fleetscaler.plugin.api.InstanceGroup} into an executable plugin that speaks hashicorp
 * go-plugin's launch protocol (environment cookie, handshake line, Unix socket, AutoMTLS, health,
 * controller and stdio services) over the {@code fleetscaler.plugin.v1} gRPC service, and {@link
 * io.fleetscaler.plugin.sdk.PluginProcess} / {@link io.fleetscaler.plugin.sdk.PluginClient} drive
 * such a plugin from the host, as a supervised subprocess or in process. Protobuf types stay inside
 * this package: its public API speaks {@code plugin-api} types only.
 */
@NullMarked
package io.fleetscaler.plugin.sdk;

import org.jspecify.annotations.NullMarked;
