/**
 * Observing a fleet through its plugin: periodic {@code update} calls turned into the {@code
 * fleeting_provisioner_*} metrics and a readiness verdict.
 */
@NullMarked
package io.fleetscaler.daemon.fleet;

import org.jspecify.annotations.NullMarked;
