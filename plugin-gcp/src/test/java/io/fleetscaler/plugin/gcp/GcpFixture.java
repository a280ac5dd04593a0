package io.fleetscaler.plugin.gcp;

import com.google.api.gax.core.NoCredentialsProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * A fake Compute with groups in it, and plugin groups wired to it: one project, a zonal group in
 * {@link #ZONE} and a regional one in {@link #REGION} over two zones. The plugin's operation polls
 * advance the shared {@link ManualClock} instead of sleeping, so operation latencies cost no time.
 */
final class GcpFixture implements AutoCloseable {
  static final String PROJECT = "fleet-project";
  static final String ZONE = "europe-west1-c";
  static final String REGION = "europe-west1";
  static final List<String> REGION_ZONES = List.of("europe-west1-b", "europe-west1-d");
  static final String GROUP = "runners";

  final ManualClock clock;
  final FakeCompute compute;

  GcpFixture(ManualClock clock, ComputeModel.Latencies latencies) {
    this.clock = clock;
    this.compute = FakeCompute.start(clock, latencies);
  }

  /** A fixture on the system clock, for a plugin in another process. */
  static FakeCompute onSystemClock() {
    return FakeCompute.start(Clock.systemUTC(), ComputeModel.Latencies.none());
  }

  ComputeModel.Group zonal(String name) {
    return compute.model().addGroup(PROJECT, false, ZONE, name, List.of(ZONE));
  }

  ComputeModel.Group regional(String name) {
    return compute.model().addGroup(PROJECT, true, REGION, name, REGION_ZONES);
  }

  String zonalConfig(String name) {
    return "{\"name\":\""
        + name
        + "\",\"project\":\""
        + PROJECT
        + "\",\"zone\":\""
        + ZONE
        + "\",\"endpoint\":\""
        + compute.endpoint()
        + "\"}";
  }

  String regionalConfig(String name) {
    return "{\"name\":\""
        + name
        + "\",\"project\":\""
        + PROJECT
        + "\",\"region\":\""
        + REGION
        + "\",\"endpoint\":\""
        + compute.endpoint()
        + "\"}";
  }

  /** Test tuning: no credentials, polls advance the clock, small pages to exercise paging. */
  GcpTuning tuning() {
    return GcpTuning.defaults()
        .withCredentials(NoCredentialsProvider.create())
        .withSleeper(clock::advance)
        .withCallTimeout(Duration.ofSeconds(5))
        .withPageSize(2);
  }

  GcpInstanceGroup newGroup() {
    return new GcpInstanceGroup(clock, tuning());
  }

  /**
   * A service-account key file whose {@code token_uri} is the fake's {@code /token}: the plugin's
   * real credential path (a signed JWT exchanged for an access token) runs against the fake.
   */
  static Path serviceAccountKey(Path dir, FakeCompute compute) throws IOException {
    String pem;
    try {
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048);
      pem =
          "-----BEGIN PRIVATE KEY-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(rsa.generateKeyPair().getPrivate().getEncoded())
              + "\n-----END PRIVATE KEY-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    String json =
        "{\"type\":\"service_account\",\"project_id\":\""
            + PROJECT
            + "\","
            + "\"private_key_id\":\"k1\",\"private_key\":\""
            + pem.replace("\n", "\\n")
            + "\","
            + "\"client_email\":\"fleetscaler@"
            + PROJECT
            + ".iam.gserviceaccount.com\","
            + "\"client_id\":\"1\",\"token_uri\":\""
            + compute.endpoint()
            + "/token\"}";
    Path file = dir.resolve("sa.json");
    Files.writeString(file, json);
    return file;
  }

  @Override
  public void close() {
    compute.close();
  }
}
