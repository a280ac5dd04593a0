package io.fleetscaler.plugin.azure;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetscaler.plugin.api.ProviderException;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses a scale set that an enabled Azure autoscale setting targets: both would set its capacity.
 * Reads {@code AutoscaleSettings_ListByResourceGroup} (Microsoft.Insights, {@code
 * api-version=2022-10-01}) of the scale set's resource group with the plugin's own pipeline; the
 * SDK for Monitor is not worth its weight for one list. When the identity may not read autoscale
 * settings, or Azure does not answer, init goes on with a warning: the check is a guard, not a
 * requirement.
 */
final class AutoscaleCheck {

  static final String API_VERSION = "2022-10-01";

  private static final Logger LOG = System.getLogger("plugin.azure");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final AzureClients clients;
  private final AzureConfig config;

  AutoscaleCheck(AzureClients clients, AzureConfig config) {
    this.clients = clients;
    this.config = config;
  }

  void refuseIfEnabled() {
    List<String> enabled = new ArrayList<>();
    String url =
        clients.resourceManager()
            + "/subscriptions/"
            + config.subscriptionId()
            + "/resourceGroups/"
            + config.resourceGroupName()
            + "/providers/Microsoft.Insights/autoscalesettings?api-version="
            + API_VERSION;
    int pages = 0;
    while (url != null && pages++ < 50) {
      JsonNode page;
      try (HttpResponse response =
          clients.pipeline().sendSync(new HttpRequest(HttpMethod.GET, url), Context.NONE)) {
        if (response.getStatusCode() != 200) {
          LOG.log(
              Level.WARNING,
              "azure: cannot check autoscale settings of resource group {0} (HTTP {1}); make sure"
                  + " no enabled autoscale setting targets scale set {2} (the identity needs"
                  + " Microsoft.Insights/autoscalesettings/read, e.g. the role Monitoring Reader)",
              config.resourceGroupName(),
              response.getStatusCode(),
              config.name());
          return;
        }
        page = MAPPER.readTree(response.getBodyAsBinaryData().toBytes());
      } catch (IOException | RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "azure: cannot check autoscale settings of resource group {0}: {1}",
            config.resourceGroupName(),
            String.valueOf(e.getMessage()));
        return;
      }
      for (JsonNode setting : page.path("value")) {
        JsonNode properties = setting.path("properties");
        boolean targetsUs =
            config.scaleSetId().equalsIgnoreCase(properties.path("targetResourceUri").asText(""));
        boolean on = properties.path("enabled").asBoolean(true);
        if (targetsUs && on) {
          enabled.add(setting.path("name").asText("?"));
        }
      }
      JsonNode next = page.get("nextLink");
      url = next == null || next.isNull() ? null : next.asText();
    }
    if (!enabled.isEmpty()) {
      throw new ProviderException.InvalidConfig(
          "azure scale set "
              + config.name()
              + ": the Azure autoscale setting "
              + String.join(", ", enabled)
              + " is enabled on it and would change its capacity against the scaler; disable it"
              + " (az monitor autoscale update --enabled false)");
    }
  }
}
