/** A provisioner for Google Compute Engine managed instance groups. Not implemented yet. */
@NullMarked
package io.fleetscaler.plugin.gcp;

import org.jspecify.annotations.NullMarked;
