/**
 * A provisioner for Azure virtual machine scale sets, Uniform and Flexible, on the Azure Resource
 * Manager SDK for Java: {@link io.fleetscaler.plugin.azure.AzureInstanceGroup} is the group, {@link
 * io.fleetscaler.plugin.azure.AzurePluginMain} runs it as the {@code fleeting-plugin-azure}
 * process.
 */
@NullMarked
package io.fleetscaler.plugin.azure;

import org.jspecify.annotations.NullMarked;
