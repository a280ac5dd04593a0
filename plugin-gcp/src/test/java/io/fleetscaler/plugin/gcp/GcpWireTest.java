package io.fleetscaler.plugin.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.plugin.api.Settings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Checks the fake against what the real client sends: every call the plugin makes is recorded by
 * the fake and compared with the request the Compute REST reference documents for it (method, path,
 * query parameters, body). A client that sent anything else would be refused by the fake (unknown
 * route, parameter or field), and {@link FakeCompute#unmatched()} stays zero.
 */
class GcpWireTest {
  private static final String P = "/compute/v1/projects/fleet-project/";
  private static final String Z = P + "zones/europe-west1-c/";
  private static final String R = P + "regions/europe-west1/";

  private final GcpFixture gcp =
      new GcpFixture(
          new ManualClock(Instant.parse("2026-12-01T12:00:00Z")),
          new ComputeModel.Latencies(
              Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1)));

  @AfterEach
  void close() {
    gcp.close();
  }

  @Test
  void aZonalGroupSendsTheDocumentedRequests() {
    gcp.zonal(GcpFixture.GROUP);
    GcpInstanceGroup plugin = gcp.newGroup();
    plugin.init(settings(), gcp.zonalConfig(GcpFixture.GROUP));
    plugin.increase(3);
    List<String> ids = plugin.update().stream().map(s -> s.id()).toList();
    plugin.suspend(List.of(ids.get(0)));
    plugin.resume(List.of(ids.get(0)));
    plugin.connectInfo(ids.get(1));
    plugin.decrease(List.of(ids.get(2)));
    plugin.shutdown();

    String igm = Z + "instanceGroupManagers/runners";
    assertThat(lines())
        .containsExactly(
            "GET " + igm,
            "GET " + igm,
            "POST " + igm + "/resize?size=3",
            "GET " + Z + "operations/*",
            "POST " + igm + "/listManagedInstances?maxResults=2",
            "POST " + igm + "/listManagedInstances?maxResults=2&pageToken=page-2",
            "POST "
                + igm
                + "/suspendInstances {\"instances\":[\"zones/europe-west1-c/instances/runners-a000\"]}",
            "GET " + Z + "operations/*",
            "POST "
                + igm
                + "/resumeInstances {\"instances\":[\"zones/europe-west1-c/instances/runners-a000\"]}",
            "GET " + Z + "operations/*",
            "GET " + Z + "instances/runners-a001",
            "POST " + Z + "instances/runners-a001/setMetadata {metadata}",
            "GET " + Z + "operations/*",
            "POST "
                + igm
                + "/deleteInstances {\"instances\":[\"zones/europe-west1-c/instances/runners-a002\"],"
                + "\"skipInstancesOnValidationError\":true}",
            "GET " + Z + "operations/*");
    assertThat(gcp.compute.unmatched()).isZero();
  }

  @Test
  void aRegionalGroupSendsTheSameCallsUnderRegions() {
    gcp.regional(GcpFixture.GROUP);
    GcpInstanceGroup plugin = gcp.newGroup();
    plugin.init(settings(), gcp.regionalConfig(GcpFixture.GROUP));
    plugin.increase(1);
    List<String> ids = plugin.update().stream().map(s -> s.id()).toList();
    plugin.connectInfo(ids.get(0));
    plugin.decrease(ids);
    plugin.shutdown();

    String igm = R + "instanceGroupManagers/runners";
    String zone = P + "zones/europe-west1-b/";
    assertThat(lines())
        .containsExactly(
            "GET " + igm,
            "GET " + igm,
            "POST " + igm + "/resize?size=1",
            "GET " + R + "operations/*",
            "POST " + igm + "/listManagedInstances?maxResults=2",
            "GET " + zone + "instances/runners-a000",
            "POST " + zone + "instances/runners-a000/setMetadata {metadata}",
            "GET " + zone + "operations/*",
            "POST "
                + igm
                + "/deleteInstances {\"instances\":[\"zones/europe-west1-b/instances/runners-a000\"],"
                + "\"skipInstancesOnValidationError\":true}",
            "GET " + R + "operations/*");
    assertThat(gcp.compute.unmatched()).isZero();
  }

  @Test
  void theMetadataBodyCarriesTheFingerprintAndTheNewKey() {
    gcp.zonal(GcpFixture.GROUP);
    GcpInstanceGroup plugin = gcp.newGroup();
    plugin.init(settings(), gcp.zonalConfig(GcpFixture.GROUP));
    plugin.increase(1);
    plugin.connectInfo(plugin.update().get(0).id());
    plugin.shutdown();
    String body =
        gcp.compute.requests().stream()
            .filter(r -> r.path().endsWith("/setMetadata"))
            .findFirst()
            .orElseThrow()
            .body();
    assertThat(body)
        .startsWith("{\"items\":[{\"key\":\"created-by\"")
        .endsWith("\"fingerprint\":\"fp-1\"}")
        .contains("{\"key\":\"ssh-keys\",\"value\":\"runner:ssh-ed25519 ")
        .contains(
            " google-ssh {\\\"userName\\\":\\\"fleetscaler\\\",\\\"expireOn\\\":\\\"2026-12-01T12:05:0");
  }

  private static Settings settings() {
    return new Settings(
        new ConnectorConfig(
            "", "", Protocol.SSH, 0, "runner", null, null, false, Duration.ZERO, Duration.ZERO));
  }

  /** The recorded requests, one line each: method, path, query without $alt, and the body. */
  private List<String> lines() {
    return gcp.compute.requests().stream()
        .map(
            r -> {
              String query =
                  r.query().entrySet().stream()
                      .filter(e -> !e.getKey().equals("$alt"))
                      .map(e -> e.getKey() + "=" + e.getValue())
                      .sorted()
                      .collect(Collectors.joining("&"));
              String path = r.path().replaceAll("/operations/[^/]+$", "/operations/*");
              String body = r.path().endsWith("/setMetadata") ? "{metadata}" : r.body();
              return r.method()
                  + " "
                  + path
                  + (query.isEmpty() ? "" : "?" + query)
                  + (body.isEmpty() ? "" : " " + body);
            })
        .toList();
  }
}
