package io.fleetscaler.plugin.gcp;

import com.google.api.core.ApiFunction;
import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ClientSettings;
import com.google.api.gax.rpc.UnaryCallSettings;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.compute.v1.InstanceGroupManagersClient;
import com.google.cloud.compute.v1.InstanceGroupManagersSettings;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesSettings;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersClient;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersSettings;
import com.google.cloud.compute.v1.RegionOperationsClient;
import com.google.cloud.compute.v1.RegionOperationsSettings;
import com.google.cloud.compute.v1.ZoneOperationsClient;
import com.google.cloud.compute.v1.ZoneOperationsSettings;
import io.fleetscaler.plugin.api.ProviderException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The Compute clients of one group, built from its configuration: HTTP/JSON transport, the
 * configured endpoint or Google's, credentials from {@code credentials_file} or application default
 * credentials, and every unary call bounded by {@link GcpTuning#callTimeout()} with at most {@link
 * GcpTuning#callAttempts()} attempts (gax retries only the calls it knows to be safe: reads).
 *
 * @param mig the group's calls
 * @param instances {@code instances.get} and {@code instances.setMetadata}
 * @param zoneOperations polls the operations of instance calls (and of a zonal group)
 */
record GcpClients(
    Mig mig, InstancesClient instances, ZoneOperationsClient zoneOperations, AutoCloseable closer)
    implements AutoCloseable {

  /** The OAuth scope Compute calls need. */
  static final String SCOPE = "https://www.googleapis.com/auth/compute";

  /**
   * Builds the clients. Makes no call yet.
   *
   * @throws ProviderException.InvalidConfig if the credentials cannot be read or found
   */
  static GcpClients open(GcpConfig config, GcpTuning tuning) {
    CredentialsProvider credentials = credentials(config, tuning);
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      InstancesSettings.Builder instancesSettings = InstancesSettings.newBuilder();
      configure(instancesSettings, config, credentials);
      instancesSettings.applyToAllUnaryMethods(bounded(tuning));
      InstancesClient instances = InstancesClient.create(instancesSettings.build());
      opened.add(instances);
      ZoneOperationsSettings.Builder zoneOpsSettings = ZoneOperationsSettings.newBuilder();
      configure(zoneOpsSettings, config, credentials);
      zoneOpsSettings.applyToAllUnaryMethods(bounded(tuning));
      ZoneOperationsClient zoneOperations = ZoneOperationsClient.create(zoneOpsSettings.build());
      opened.add(zoneOperations);
      Mig mig = mig(config, tuning, credentials, zoneOperations, opened);
      List<AutoCloseable> all = List.copyOf(opened);
      return new GcpClients(mig, instances, zoneOperations, () -> closeAll(all));
    } catch (IOException | RuntimeException e) {
      closeAll(opened);
      if (e instanceof ProviderException p) {
        throw p;
      }
      throw new ProviderException.InvalidConfig(
          "gcp: cannot create the Compute clients: " + e.getMessage(), e);
    }
  }

  /**
   * The group manager's client for a regional or a zonal group, added to {@code opened} as soon as
   * it exists so that a later failure closes it; a zonal group polls {@code zoneOperations}.
   */
  private static Mig mig(
      GcpConfig config,
      GcpTuning tuning,
      CredentialsProvider credentials,
      ZoneOperationsClient zoneOperations,
      List<AutoCloseable> opened)
      throws IOException {
    Mig mig;
    if (config.location().regional()) {
      RegionInstanceGroupManagersSettings.Builder s =
          RegionInstanceGroupManagersSettings.newBuilder();
      configure(s, config, credentials);
      s.applyToAllUnaryMethods(bounded(tuning));
      RegionInstanceGroupManagersClient client =
          RegionInstanceGroupManagersClient.create(s.build());
      opened.add(client);
      RegionOperationsSettings.Builder o = RegionOperationsSettings.newBuilder();
      configure(o, config, credentials);
      o.applyToAllUnaryMethods(bounded(tuning));
      RegionOperationsClient regionOperations = RegionOperationsClient.create(o.build());
      opened.add(regionOperations);
      mig =
          new RegionalMig(
              client,
              regionOperations,
              config.project(),
              config.location().name(),
              config.name(),
              tuning.pageSize());
    } else {
      InstanceGroupManagersSettings.Builder s = InstanceGroupManagersSettings.newBuilder();
      configure(s, config, credentials);
      s.applyToAllUnaryMethods(bounded(tuning));
      InstanceGroupManagersClient client = InstanceGroupManagersClient.create(s.build());
      opened.add(client);
      mig =
          new ZonalMig(
              client,
              zoneOperations,
              config.project(),
              config.location().name(),
              config.name(),
              tuning.pageSize());
    }
    return mig;
  }

  @Override
  public void close() {
    try {
      closer.close();
    } catch (Exception e) {
      // closeAll never throws; nothing else to release.
    }
  }

  private static void configure(
      ClientSettings.Builder<?, ?> builder, GcpConfig config, CredentialsProvider credentials) {
    builder.setCredentialsProvider(credentials);
    if (config.endpoint() != null) {
      String endpoint = config.endpoint().toString();
      builder.setEndpoint(
          endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint);
    }
  }

  private static ApiFunction<UnaryCallSettings.Builder<?, ?>, @Nullable Void> bounded(
      GcpTuning tuning) {
    RetrySettings retry =
        RetrySettings.newBuilder()
            .setTotalTimeoutDuration(tuning.callTimeout())
            .setInitialRpcTimeoutDuration(tuning.callTimeout())
            .setMaxRpcTimeoutDuration(tuning.callTimeout())
            .setRpcTimeoutMultiplier(1.0)
            .setInitialRetryDelayDuration(java.time.Duration.ofMillis(100))
            .setMaxRetryDelayDuration(java.time.Duration.ofSeconds(2))
            .setRetryDelayMultiplier(2.0)
            .setMaxAttempts(tuning.callAttempts())
            .build();
    return b -> {
      b.setRetrySettings(retry);
      return null;
    };
  }

  @SuppressWarnings("deprecation") // fromStream: the operator chose the file; any key type is fine.
  private static CredentialsProvider credentials(GcpConfig config, GcpTuning tuning) {
    if (tuning.credentials() != null) {
      return tuning.credentials();
    }
    Path file = config.credentialsFile();
    try {
      GoogleCredentials credentials;
      if (file != null) {
        try (InputStream in = Files.newInputStream(file)) {
          credentials = GoogleCredentials.fromStream(in);
        }
      } else {
        credentials = GoogleCredentials.getApplicationDefault();
      }
      return FixedCredentialsProvider.create(credentials.createScoped(List.of(SCOPE)));
    } catch (IOException | RuntimeException e) {
      throw new ProviderException.InvalidConfig(
          (file != null
                  ? "credentials_file: cannot use " + file
                  : "no credentials_file and no application default credentials")
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static void closeAll(List<AutoCloseable> opened) {
    for (AutoCloseable c : opened) {
      try {
        c.close();
      } catch (Exception e) {
        // Closing a client only shuts its executor down; a failure leaves nothing to do.
      }
    }
  }
}
