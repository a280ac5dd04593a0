/** Tests of the Azure plugin against {@link io.fleetscaler.plugin.azure.FakeArm}. */
@NullMarked
package io.fleetscaler.plugin.azure;

import org.jspecify.annotations.NullMarked;
