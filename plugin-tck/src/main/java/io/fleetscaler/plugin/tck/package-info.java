/**
 * The plugin conformance kit: {@link io.fleetscaler.plugin.tck.InstanceGroupConformanceKit}, an
 * abstract JUnit 5 class that every plugin's tests extend to prove that their {@link
 * io.fleetscaler.plugin.api.InstanceGroup} keeps the contract the scaler relies on (init
 * validation, asynchronous growth, exact and idempotent shrinking, connect info, heartbeat,
 * shutdown, suspend/resume), whether the group is called directly, over the in-process wire or in a
 * plugin process.
 */
@NullMarked
package io.fleetscaler.plugin.tck;

import org.jspecify.annotations.NullMarked;
