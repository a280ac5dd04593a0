/**
 * A provider for a fixed pool of SSH (or WinRM) hosts, the equivalent of fleeting-plugin-static:
 * the hosts named in {@code plugin_config} are handed out and taken back rather than created and
 * destroyed, each probed for reachability so that a dead host is reported and never handed out.
 * Runs in process ({@link io.fleetscaler.plugin.statichosts.StaticInstanceGroup}) or as a plugin
 * process ({@link io.fleetscaler.plugin.statichosts.StaticPluginMain}).
 */
@NullMarked
package io.fleetscaler.plugin.statichosts;

import org.jspecify.annotations.NullMarked;
