/**
 * The AWS provider: an {@link io.fleetscaler.plugin.api.InstanceGroup} over one EC2 Auto Scaling
 * group, on AWS SDK for Java v2. It owns the reading of the plugin's {@code plugin_config}, the SDK
 * clients and their retry settings, the mapping of Auto Scaling lifecycle states and of AWS errors
 * to the SPI's sealed categories, scale-in by named termination, SSH keys pushed with EC2 Instance
 * Connect, and the executable plugin entry point {@link io.fleetscaler.plugin.aws.AwsPluginMain}.
 */
@NullMarked
package io.fleetscaler.plugin.aws;

import org.jspecify.annotations.NullMarked;
