/** A provisioner for Azure virtual machine scale sets. Not implemented yet. */
@NullMarked
package io.fleetscaler.plugin.azure;

import org.jspecify.annotations.NullMarked;
