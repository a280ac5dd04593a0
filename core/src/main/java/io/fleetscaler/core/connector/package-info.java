/**
 * Reaching instances to run commands on them: the {@link io.fleetscaler.core.connector.Connector}
 * the scaler uses for {@code instance_ready_command} and connector heartbeats, and its SSH
 * implementation on sshj. It merges the operator's {@code connector_config} with the plugin's
 * connect info, caches that connect info per instance until its credentials expire, and pins each
 * instance's host key on first contact. WinRM is not implemented yet: a WinRM instance fails with a
 * clear error rather than being reported ready.
 */
@NullMarked
package io.fleetscaler.core.connector;

import org.jspecify.annotations.NullMarked;
