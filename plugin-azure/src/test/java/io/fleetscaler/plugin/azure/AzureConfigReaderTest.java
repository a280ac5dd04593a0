package io.fleetscaler.plugin.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetscaler.plugin.api.ProviderException;
import org.junit.jupiter.api.Test;

class AzureConfigReaderTest {
  private static final String MINIMAL =
      "{\"name\":\"runners\",\"subscription_id\":\"00000000-1111-2222-3333-444444444444\","
          + "\"resource_group_name\":\"ci\"}";

  @Test
  void theThreeGitLabKeysAloneSelectTheDefaultCredentialChain() {
    AzureConfig config = AzureConfigReader.read(MINIMAL);
    assertThat(config.credentialKind()).isEqualTo(AzureConfig.CredentialKind.DEFAULT_CHAIN);
    assertThat(config.scaleSetId())
        .isEqualTo(
            "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/ci/providers/"
                + "Microsoft.Compute/virtualMachineScaleSets/runners");
    assertThat(config.endpoint()).isNull();
  }

  @Test
  void everyProblemIsNamedByItsKeyInOneMessage() {
    assertThatThrownBy(() -> AzureConfigReader.read("{\"nmae\":\"x\",\"region\":1}"))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("nmae: unknown key")
        .hasMessageContaining("region: unknown key")
        .hasMessageContaining("name: required")
        .hasMessageContaining("subscription_id: required")
        .hasMessageContaining("resource_group_name: required");
  }

  @Test
  void aSecretIsNeverEchoedAndNeedsItsTenantAndClient() {
    String json = MINIMAL.replace("}", ",\"client_secret\":\"s3cr3t-value\"}");
    assertThatThrownBy(() -> AzureConfigReader.read(json))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("tenant_id: required with client_secret")
        .hasMessageContaining("client_id: required with client_secret")
        .hasMessageNotContaining("s3cr3t-value");
    String full =
        MINIMAL.replace(
            "}",
            ",\"client_secret\":\"s3cr3t-value\",\"tenant_id\":\"contoso.onmicrosoft.com\","
                + "\"client_id\":\"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\"}");
    AzureConfig config = AzureConfigReader.read(full);
    assertThat(config.credentialKind()).isEqualTo(AzureConfig.CredentialKind.CLIENT_SECRET);
    assertThat(config.toString()).doesNotContain("s3cr3t-value");
  }

  @Test
  void endpointsMustBeHttpsBecauseATokenTravelsWithEveryCall() {
    assertThatThrownBy(
            () ->
                AzureConfigReader.read(
                    MINIMAL.replace("}", ",\"endpoint\":\"http://127.0.0.1:1\"}")))
        .isInstanceOf(ProviderException.InvalidConfig.class)
        .hasMessageContaining("endpoint: 'http://127.0.0.1:1' must be an absolute https URL");
  }
}
