/**
 * A provisioner for AWS Auto Scaling groups on AWS SDK v2. Not implemented yet: see the issue
 * "plugin-aws".
 */
@NullMarked
package io.fleetscaler.plugin.aws;

import org.jspecify.annotations.NullMarked;
