package io.fleetscaler.plugin.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.ProviderException;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** plugin_config is read strictly, and every problem is reported at once, naming its key. */
class AwsConfigReaderTest {

  @Test
  void readsEveryKey() {
    Path credentials = AsgFixture.credentialsFile();
    AwsConfig config =
        AwsConfigReader.read(
            "{\"name\":\"runners\",\"region\":\"eu-west-3\",\"profile\":\"ci\","
                + "\"config_file\":\""
                + credentials
                + "\",\"credentials_file\":\""
                + credentials
                + "\",\"endpoint\":\"https://autoscaling.example.internal\"}");
    assertThat(config)
        .isEqualTo(
            new AwsConfig(
                "runners",
                "eu-west-3",
                "ci",
                credentials,
                credentials,
                URI.create("https://autoscaling.example.internal")));
    assertThat(config.usesProfile()).isTrue();
  }

  @Test
  void onlyTheNameIsRequired() {
    AwsConfig config = AwsConfigReader.read("{\"name\":\"runners\"}");
    assertThat(config).isEqualTo(new AwsConfig("runners", null, null, null, null, null));
    assertThat(config.usesProfile()).isFalse();
  }

  @Test
  void suspendModeIsStopUnlessHibernateIsAsked() {
    assertThat(AwsConfigReader.read("{\"name\":\"runners\"}").suspendMode())
        .isEqualTo(AwsConfig.SuspendMode.STOP);
    assertThat(
            AwsConfigReader.read("{\"name\":\"runners\",\"suspend_mode\":\"hibernate\"}")
                .suspendMode())
        .isEqualTo(AwsConfig.SuspendMode.HIBERNATE);
    assertThatThrownBy(
            () -> AwsConfigReader.read("{\"name\":\"runners\",\"suspend_mode\":\"sleep\"}"))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("suspend_mode: 'sleep' is not one of stop, hibernate");
  }

  @Test
  void reportsEveryProblemWithItsKey() {
    assertThatThrownBy(
            () ->
                AwsConfigReader.read(
                    "{\"nmae\":\"runners\",\"region\":\"Mars\",\"profile\":3,"
                        + "\"credentials_file\":\"/no/such/file\",\"endpoint\":\"runners.local\"}"))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("nmae: unknown key")
        .hasMessageContaining("name: required")
        .hasMessageContaining("region:")
        .hasMessageContaining("profile: must be a string")
        .hasMessageContaining("credentials_file: cannot read")
        .hasMessageContaining("endpoint:");
  }

  @Test
  void refusesWhatIsNotAJsonObject() {
    assertThatThrownBy(() -> AwsConfigReader.read("[\"runners\"]"))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("JSON object");
    assertThatThrownBy(() -> AwsConfigReader.read("{\"name\":\"a\"} trailing"))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("not valid JSON");
  }
}
