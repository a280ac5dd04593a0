/**
 * The provisioner SPI: what a cloud plugin implements and what the scaler calls, in plain Java.
 *
 * <p>{@link io.fleetscaler.plugin.api.InstanceGroup} mirrors fleeting's {@code InstanceGroup}: a
 * plugin owns one group of instances in one cloud, reports every instance it owns with its {@link
 * io.fleetscaler.plugin.api.InstanceState}, grows the group by a count, shrinks it by naming
 * exactly which instances to remove, and hands out {@link io.fleetscaler.plugin.api.ConnectInfo}
 * for an instance. Failures are one sealed type, {@link
 * io.fleetscaler.plugin.api.ProviderException}, so a caller decides retry or give-up with an
 * exhaustive {@code switch}. This package has no dependencies beyond JSpecify's nullness
 * annotations; the wire form lives in {@code plugin-sdk}.
 */
@NullMarked
package io.fleetscaler.plugin.api;

import org.jspecify.annotations.NullMarked;
