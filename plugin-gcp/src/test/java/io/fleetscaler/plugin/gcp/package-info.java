/**
 * Tests of the Google Cloud provider: a protocol-faithful fake of the Compute v1 REST endpoints the
 * plugin uses, driven only by the real {@code google-cloud-compute} client.
 */
@NullMarked
package io.fleetscaler.plugin.gcp;

import org.jspecify.annotations.NullMarked;
