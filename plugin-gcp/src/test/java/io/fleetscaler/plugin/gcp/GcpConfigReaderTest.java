package io.fleetscaler.plugin.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.ProviderException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcpConfigReaderTest {

  @Test
  void readsGitLabsDocumentedKeys(@TempDir Path dir) throws IOException {
    Path key = Files.writeString(dir.resolve("sa.json"), "{}");
    GcpConfig c =
        GcpConfigReader.read(
            "{\"name\":\"runners\",\"project\":\"my-project\",\"zone\":\"europe-west1-c\","
                + "\"credentials_file\":\""
                + key
                + "\"}");
    assertThat(c.name()).isEqualTo("runners");
    assertThat(c.project()).isEqualTo("my-project");
    assertThat(c.location()).isEqualTo(new GcpConfig.Location(false, "europe-west1-c"));
    assertThat(c.location().path()).isEqualTo("zones/europe-west1-c");
    assertThat(c.credentialsFile()).isEqualTo(key);
    assertThat(c.endpoint()).isNull();
    assertThat(c.suspendMode()).isEqualTo(GcpConfig.SuspendMode.SUSPEND);
  }

  @Test
  void readsARegionalGroupWithEndpointAndStopMode() {
    GcpConfig c =
        GcpConfigReader.read(
            "{\"name\":\"runners\",\"project\":\"my-project\",\"region\":\"us-central1\","
                + "\"endpoint\":\"http://127.0.0.1:8080\",\"suspend_mode\":\"stop\"}");
    assertThat(c.location()).isEqualTo(new GcpConfig.Location(true, "us-central1"));
    assertThat(c.endpoint()).isEqualTo(URI.create("http://127.0.0.1:8080"));
    assertThat(c.suspendMode()).isEqualTo(GcpConfig.SuspendMode.STOP);
  }

  @Test
  void reportsEveryProblemAtOnceNamingItsKey() {
    assertThatThrownBy(
            () ->
                GcpConfigReader.read(
                    "{\"nmae\":\"x\",\"project\":\"P\",\"zone\":\"europe-west1\","
                        + "\"suspend_mode\":\"sleep\"}"))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("nmae: unknown key")
        .hasMessageContaining("name: required")
        .hasMessageContaining("project: 'P' is not a project id")
        .hasMessageContaining("zone: 'europe-west1' is not a zone")
        .hasMessageContaining("suspend_mode: 'sleep'");
  }

  @Test
  void wantsExactlyOneOfZoneAndRegion() {
    assertThatThrownBy(() -> GcpConfigReader.read("{\"name\":\"a\",\"project\":\"my-project\"}"))
        .hasMessageContaining("zone: required, or region");
    assertThatThrownBy(
            () ->
                GcpConfigReader.read(
                    "{\"name\":\"a\",\"project\":\"my-project\",\"zone\":\"us-central1-a\","
                        + "\"region\":\"us-central1\"}"))
        .hasMessageContaining("zone, region: set one, not both");
  }

  @Test
  void refusesHostileInputWithoutEchoingItWhole() {
    String huge = "x".repeat(10_000);
    assertThatThrownBy(
            () ->
                GcpConfigReader.read(
                    "{\"name\":\"" + huge + "\",\"project\":\"my-project\",\"zone\":\"a-b1-c\"}"))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(500));
    assertThatThrownBy(() -> GcpConfigReader.read("{\"endpoint\":\"http://127.0.0.1/compute/v1\"}"))
        .hasMessageContaining("without a path");
    assertThatThrownBy(() -> GcpConfigReader.read("[]"))
        .hasMessageContaining("must be a JSON object");
  }
}
