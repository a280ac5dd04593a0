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
 * @param suspendMode how {@code suspend} stops an instance once it is in standby
 */
record AwsConfig(
    String name,
    @Nullable String region,
    @Nullable String profile,
    @Nullable Path configFile,
    @Nullable Path credentialsFile,
    @Nullable URI endpoint,
    SuspendMode suspendMode) {

  /** A configuration with the default suspend mode ({@link SuspendMode#STOP}). */
  AwsConfig(
      String name,
      @Nullable String region,
      @Nullable String profile,
      @Nullable Path configFile,
      @Nullable Path credentialsFile,
      @Nullable URI endpoint) {
    this(name, region, profile, configFile, credentialsFile, endpoint, SuspendMode.STOP);
  }

  /** How a suspended instance is stopped ({@code suspend_mode}). */
  enum SuspendMode {
    /** {@code StopInstances}: memory is lost, the resumed instance boots from its disk. */
    STOP("stop"),
    /**
     * {@code StopInstances} with {@code Hibernate=true}: memory is saved to the encrypted root
     * volume and restored on start. Only for instances launched with hibernation configured.
     */
    HIBERNATE("hibernate");

    private final String key;

    SuspendMode(String key) {
      this.key = key;
    }

    /** The value in {@code plugin_config}. */
    String key() {
      return key;
    }
  }

  /** Whether credentials and region come from explicitly named profile files or profile. */
  boolean usesProfile() {
    return profile != null || configFile != null || credentialsFile != null;
  }
}
