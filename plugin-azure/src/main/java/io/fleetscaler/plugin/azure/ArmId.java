package io.fleetscaler.plugin.azure;

import io.fleetscaler.plugin.api.ProviderException;
import java.util.Locale;

/**
 * The resource group and name of an ARM resource id such as {@code
 * /subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic}.
 *
 * @param resourceGroupName the segment after {@code resourceGroups}
 * @param name the last segment
 */
record ArmId(String resourceGroupName, String name) {

  static ArmId parse(String id) {
    String[] parts = id.split("/", -1);
    String group = null;
    for (int i = 0; i + 1 < parts.length; i++) {
      if (parts[i].toLowerCase(Locale.ROOT).equals("resourcegroups")) {
        group = parts[i + 1];
        break;
      }
    }
    String name = parts.length == 0 ? "" : parts[parts.length - 1];
    if (group == null || group.isEmpty() || name.isEmpty()) {
      throw new ProviderException.Unavailable("azure: unexpected resource id '" + id + "'");
    }
    return new ArmId(group, name);
  }
}
