package io.fleetscaler.plugin.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import com.azure.resourcemanager.compute.fluent.ComputeManagementClient;
import com.azure.resourcemanager.compute.implementation.ComputeManagementClientBuilder;
import com.azure.resourcemanager.network.fluent.NetworkManagementClient;
import com.azure.resourcemanager.network.implementation.NetworkManagementClientBuilder;
import java.net.URI;
import java.util.Objects;

/**
 * The SDK clients of one group, over one HTTP pipeline: the JDK's HttpClient (no Netty), a request
 * id, {@link ArmRetryStrategy}, the bearer token of the configured credential, and {@link
 * RateLimits} watching every answer. Thread-safe.
 *
 * @param compute the compute provider's generated client (scale sets, their VMs, VMs)
 * @param network the network provider's generated client (network interfaces, public IPs)
 * @param pipeline the pipeline both use, for the few calls without a generated client
 * @param resourceManager the Resource Manager URL, without a trailing slash
 * @param limits the throttling headers seen
 */
record AzureClients(
    ComputeManagementClient compute,
    NetworkManagementClient network,
    HttpPipeline pipeline,
    String resourceManager,
    RateLimits limits) {

  /** The token scope of Azure Resource Manager in the public cloud. */
  static final String ARM_SCOPE = "https://management.azure.com/.default";

  static AzureClients open(AzureConfig config, AzureTuning tuning) {
    HttpClient http =
        new JdkHttpClientBuilder()
            .connectionTimeout(tuning.connectTimeout())
            .responseTimeout(tuning.responseTimeout())
            .readTimeout(tuning.responseTimeout())
            .build();
    TokenCredential credential = credential(config, http);
    RateLimits limits = new RateLimits();
    HttpPipeline pipeline =
        new HttpPipelineBuilder()
            .httpClient(http)
            .policies(
                new UserAgentPolicy("fleetscaler-plugin-azure/" + AzureInstanceGroup.VERSION),
                new RequestIdPolicy(),
                new RetryPolicy(new ArmRetryStrategy(tuning)),
                new BearerTokenAuthenticationPolicy(credential, ARM_SCOPE),
                limits)
            .build();
    URI endpoint = config.endpoint();
    String arm =
        endpoint == null
            ? "https://management.azure.com"
            : stripSlash(Objects.requireNonNull(endpoint).toString());
    ComputeManagementClient compute =
        new ComputeManagementClientBuilder()
            .pipeline(pipeline)
            .endpoint(arm)
            .environment(AzureEnvironment.AZURE)
            .subscriptionId(config.subscriptionId())
            .defaultPollInterval(tuning.pollInterval())
            .buildClient();
    NetworkManagementClient network =
        new NetworkManagementClientBuilder()
            .pipeline(pipeline)
            .endpoint(arm)
            .environment(AzureEnvironment.AZURE)
            .subscriptionId(config.subscriptionId())
            .defaultPollInterval(tuning.pollInterval())
            .buildClient();
    return new AzureClients(compute, network, pipeline, arm, limits);
  }

  private static TokenCredential credential(AzureConfig config, HttpClient http) {
    URI authority = config.authorityHost();
    return switch (config.credentialKind()) {
      case CLIENT_SECRET -> {
        var builder =
            new ClientSecretCredentialBuilder()
                .tenantId(config.tenantId())
                .clientId(config.clientId())
                .clientSecret(config.clientSecret())
                .httpClient(http);
        if (authority != null) {
          builder.authorityHost(authority.toString()).disableInstanceDiscovery();
        }
        yield builder.build();
      }
      case WORKLOAD_IDENTITY -> {
        var builder =
            new WorkloadIdentityCredentialBuilder()
                .tenantId(config.tenantId())
                .clientId(config.clientId())
                .tokenFilePath(String.valueOf(config.federatedTokenFile()))
                .httpClient(http);
        if (authority != null) {
          builder.authorityHost(authority.toString()).disableInstanceDiscovery();
        }
        yield builder.build();
      }
      case DEFAULT_CHAIN -> {
        var builder = new DefaultAzureCredentialBuilder().httpClient(http);
        String tenant = config.tenantId();
        if (tenant != null) {
          builder.tenantId(tenant);
        }
        String client = config.clientId();
        if (client != null) {
          builder.managedIdentityClientId(client).workloadIdentityClientId(client);
        }
        if (authority != null) {
          builder.authorityHost(authority.toString()).disableInstanceDiscovery();
        }
        yield builder.build();
      }
    };
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
