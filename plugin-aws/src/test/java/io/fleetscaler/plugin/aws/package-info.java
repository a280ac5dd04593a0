/**
 * Tests of the AWS provider against a real {@code moto_server} started by the tests: the
 * conformance kit in process, over the wire and as a plugin subprocess; scaling, named termination,
 * EC2 Instance Connect and setup warnings; and an error-injecting proxy in front of moto for the
 * error mapping and the never-terminate-twice rule.
 */
@NullMarked
package io.fleetscaler.plugin.aws;

import org.jspecify.annotations.NullMarked;
