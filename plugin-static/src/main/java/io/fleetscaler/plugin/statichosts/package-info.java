/**
 * A provisioner for a fixed pool of SSH hosts (the equivalent of fleeting-plugin-static). Not
 * implemented yet: see the issue "plugin-static: fixed SSH hosts as an instance group".
 */
@NullMarked
package io.fleetscaler.plugin.statichosts;

import org.jspecify.annotations.NullMarked;
