/**
 * The simulated provider reached over the plugin wire: the conformance kit through {@code
 * plugin-sdk}'s in-process client and through a real plugin subprocess, showing that the wire
 * (conversions, error mapping, supervision) preserves the SPI's contract.
 */
@NullMarked
package io.fleetscaler.plugin.simulated.wire;

import org.jspecify.annotations.NullMarked;
