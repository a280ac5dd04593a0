package io.fleetscaler.plugin.aws;

import java.net.URI;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The AWS plugin's {@code plugin_config}, validated.
 *
 * @param name the Auto Scaling group's name
 * @param region the region, or null to take it from the profile or the SDK's default chain
 * @param profile the named profile, or null for the default one
 * @param configFile the AWS config file, or null for the SDK's default location
 * @param credentialsFile the AWS credentials file, or null for the SDK's default location
 * @param endpoint one endpoint for every service (an emulator or a private endpoint), or null for
 *     AWS's regional endpoints
 */
record AwsConfig(
    String name,
    @Nullable String region,
    @Nullable String profile,
    @Nullable Path configFile,
    @Nullable Path credentialsFile,
    @Nullable URI endpoint) {

  /** Whether credentials and region come from explicitly named profile files or profile. */
  boolean usesProfile() {
    return profile != null || configFile != null || credentialsFile != null;
  }
}
