package io.fleetscaler.plugin.azure;

import java.net.URI;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The Azure plugin's {@code plugin_config}, validated. Secrets never appear in {@link #toString()}.
 *
 * @param name the virtual machine scale set's name
 * @param subscriptionId the subscription holding it
 * @param resourceGroupName its resource group
 * @param tenantId the Microsoft Entra tenant, or null for the credential chain's own choice
 * @param clientId an application (service principal) or user-assigned managed identity client id,
 *     or null
 * @param clientSecret the service principal's secret, or null to use another credential
 * @param federatedTokenFile a workload identity token file, or null
 * @param authorityHost the Microsoft Entra authority host, or null for the public cloud's
 * @param endpoint the Resource Manager endpoint, or null for {@code https://management.azure.com/}
 */
record AzureConfig(
    String name,
    String subscriptionId,
    String resourceGroupName,
    @Nullable String tenantId,
    @Nullable String clientId,
    @Nullable String clientSecret,
    @Nullable Path federatedTokenFile,
    @Nullable URI authorityHost,
    @Nullable URI endpoint) {

  /** Which credential the configuration selects. */
  enum CredentialKind {
    /** {@code client_secret}: a service principal with a secret. */
    CLIENT_SECRET,
    /** {@code federated_token_file}: workload identity federation. */
    WORKLOAD_IDENTITY,
    /** The SDK's default chain: environment, workload identity, managed identity, Azure CLI. */
    DEFAULT_CHAIN
  }

  CredentialKind credentialKind() {
    if (clientSecret != null) {
      return CredentialKind.CLIENT_SECRET;
    }
    if (federatedTokenFile != null) {
      return CredentialKind.WORKLOAD_IDENTITY;
    }
    return CredentialKind.DEFAULT_CHAIN;
  }

  /** The scale set's ARM resource id. */
  String scaleSetId() {
    return "/subscriptions/"
        + subscriptionId
        + "/resourceGroups/"
        + resourceGroupName
        + "/providers/Microsoft.Compute/virtualMachineScaleSets/"
        + name;
  }

  @Override
  public String toString() {
    return "AzureConfig[name="
        + name
        + ", subscriptionId="
        + subscriptionId
        + ", resourceGroupName="
        + resourceGroupName
        + ", credential="
        + credentialKind()
        + ", endpoint="
        + endpoint
        + "]";
  }
}
