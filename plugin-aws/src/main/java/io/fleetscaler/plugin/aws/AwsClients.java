package io.fleetscaler.plugin.aws;

import io.fleetscaler.plugin.api.ProviderException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileLocation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2instanceconnect.Ec2InstanceConnectClient;

/**
 * The SDK clients of one group, sharing one HTTP client (the JDK's {@code HttpURLConnection}), one
 * region and one credentials provider. Thread-safe, as the SDK clients are.
 *
 * <p>{@link #terminator()} is a second Auto Scaling client that never retries on its own: a
 * termination whose answer was lost must not be sent again blindly, because each one with {@code
 * ShouldDecrementDesiredCapacity} also lowers the desired capacity. {@link Terminations} retries it
 * after looking at what happened.
 */
final class AwsClients implements AutoCloseable {
  private final SdkHttpClient http;
  private final Region region;
  private final AutoScalingClient autoScaling;
  private final AutoScalingClient terminator;
  private final Ec2Client ec2;
  private final Ec2InstanceConnectClient instanceConnect;

  private AwsClients(
      SdkHttpClient http,
      Region region,
      AutoScalingClient autoScaling,
      AutoScalingClient terminator,
      Ec2Client ec2,
      Ec2InstanceConnectClient instanceConnect) {
    this.http = http;
    this.region = region;
    this.autoScaling = autoScaling;
    this.terminator = terminator;
    this.ec2 = ec2;
    this.instanceConnect = instanceConnect;
  }

  /**
   * Builds the clients for {@code config}.
   *
   * @throws ProviderException.InvalidConfig when no region can be found, or a profile is unusable
   */
  static AwsClients open(AwsConfig config, AwsTuning tuning) {
    @Nullable ProfileFile profiles = config.usesProfile() ? profileFile(config) : null;
    String profileName = profileName(config);
    Region region = region(config, profiles, profileName);
    AwsCredentialsProvider credentials =
        profiles == null
            ? DefaultCredentialsProvider.builder().build()
            : ProfileCredentialsProvider.builder()
                .profileFile(profiles)
                .profileName(profileName)
                .build();
    SdkHttpClient http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(tuning.connectTimeout())
            .socketTimeout(tuning.attemptTimeout())
            .build();
    RetryStrategy retries =
        AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(tuning.maxAttempts())
            .backoffStrategy(
                BackoffStrategy.exponentialDelay(tuning.backoffBase(), tuning.maxBackoff()))
            .throttlingBackoffStrategy(
                BackoffStrategy.exponentialDelay(
                    tuning.throttlingBackoffBase(), tuning.maxBackoff()))
            .build();
    ClientOverrideConfiguration.Builder override =
        ClientOverrideConfiguration.builder()
            .apiCallAttemptTimeout(tuning.attemptTimeout())
            .apiCallTimeout(tuning.callTimeout());
    if (profiles != null) {
      override.defaultProfileFile(profiles).defaultProfileName(profileName);
    }
    ClientOverrideConfiguration retrying = override.retryStrategy(retries).build();
    ClientOverrideConfiguration once =
        retrying.toBuilder().retryStrategy(AwsRetryStrategy.doNotRetry()).build();
    return new AwsClients(
        http,
        region,
        configure(AutoScalingClient.builder(), config, region, credentials, http, retrying),
        configure(AutoScalingClient.builder(), config, region, credentials, http, once),
        configure(Ec2Client.builder(), config, region, credentials, http, retrying),
        configure(Ec2InstanceConnectClient.builder(), config, region, credentials, http, retrying));
  }

  private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C configure(
      B builder,
      AwsConfig config,
      Region region,
      AwsCredentialsProvider credentials,
      SdkHttpClient http,
      ClientOverrideConfiguration override) {
    builder
        .region(region)
        .credentialsProvider(credentials)
        .httpClient(http)
        .overrideConfiguration(override);
    if (config.endpoint() != null) {
      builder.endpointOverride(config.endpoint());
    }
    return builder.build();
  }

  private static ProfileFile profileFile(AwsConfig config) {
    ProfileFile.Aggregator files = ProfileFile.aggregator();
    Path configFile =
        config.configFile() != null
            ? config.configFile()
            : ProfileFileLocation.configurationFilePath();
    Path credentialsFile =
        config.credentialsFile() != null
            ? config.credentialsFile()
            : ProfileFileLocation.credentialsFilePath();
    try {
      if (Files.isReadable(configFile)) {
        files.addFile(
            ProfileFile.builder().content(configFile).type(ProfileFile.Type.CONFIGURATION).build());
      }
      if (Files.isReadable(credentialsFile)) {
        files.addFile(
            ProfileFile.builder()
                .content(credentialsFile)
                .type(ProfileFile.Type.CREDENTIALS)
                .build());
      }
      return files.build();
    } catch (RuntimeException e) {
      throw new ProviderException.InvalidConfig(
          "config_file/credentials_file: cannot parse the AWS profile files: " + e.getMessage(), e);
    }
  }

  private static String profileName(AwsConfig config) {
    if (config.profile() != null) {
      return config.profile();
    }
    @Nullable String fromEnv = System.getenv("AWS_PROFILE");
    return fromEnv == null || fromEnv.isBlank() ? "default" : fromEnv;
  }

  private static Region region(
      AwsConfig config, @Nullable ProfileFile profiles, String profileName) {
    if (config.region() != null) {
      return Region.of(config.region());
    }
    if (profiles != null) {
      try {
        return new AwsProfileRegionProvider(() -> profiles, profileName).getRegion();
      } catch (SdkClientException e) {
        // Not in the profile: fall back to the environment below.
      }
    }
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException e) {
      throw new ProviderException.InvalidConfig(
          "region: not set in plugin_config, and none found in AWS_REGION, the profile or the"
              + " instance metadata",
          e);
    }
  }

  Region region() {
    return region;
  }

  AutoScalingClient autoScaling() {
    return autoScaling;
  }

  AutoScalingClient terminator() {
    return terminator;
  }

  Ec2Client ec2() {
    return ec2;
  }

  Ec2InstanceConnectClient instanceConnect() {
    return instanceConnect;
  }

  /** Closes the clients and the shared HTTP client, which the SDK does not close for us. */
  @Override
  public void close() {
    autoScaling.close();
    terminator.close();
    ec2.close();
    instanceConnect.close();
    http.close();
  }
}
