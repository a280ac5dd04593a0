package io.fleetscaler.plugin.azure;

import com.azure.resourcemanager.compute.models.InstanceViewStatus;
import com.azure.resourcemanager.compute.models.NetworkInterfaceReference;
import com.azure.resourcemanager.compute.models.NetworkProfile;
import com.azure.resourcemanager.compute.models.OSProfile;
import com.azure.resourcemanager.compute.models.OperatingSystemTypes;
import com.azure.resourcemanager.compute.models.StorageProfile;
import io.fleetscaler.plugin.api.InstanceState;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One VM of the scale set, as both orchestration modes report it.
 *
 * @param id the id the scaler knows it by, which is also the id the scale set's instance operations
 *     take: the {@code instanceId} in a Uniform scale set, the VM's name in a Flexible one
 * @param provisioningState as ARM reports it, e.g. {@code Succeeded}
 * @param powerState the {@code PowerState/*} code without its prefix, or null when not reported
 * @param windows whether its OS disk is Windows
 * @param adminUsername the OS profile's admin user, or empty
 * @param nicIds the ARM ids of its network interfaces, primary first
 */
record Vm(
    String id,
    @Nullable String provisioningState,
    @Nullable String powerState,
    boolean windows,
    String adminUsername,
    List<String> nicIds) {

  InstanceState state() {
    return VmStates.map(provisioningState, powerState);
  }

  static @Nullable String powerState(@Nullable List<InstanceViewStatus> statuses) {
    if (statuses == null) {
      return null;
    }
    for (InstanceViewStatus status : statuses) {
      String code = status.code();
      if (code != null && code.startsWith("PowerState/")) {
        return code.substring("PowerState/".length());
      }
    }
    return null;
  }

  static boolean windows(@Nullable StorageProfile storage, @Nullable OSProfile os) {
    if (storage != null && storage.osDisk() != null && storage.osDisk().osType() != null) {
      return OperatingSystemTypes.WINDOWS.equals(storage.osDisk().osType());
    }
    return os != null && os.windowsConfiguration() != null;
  }

  static String adminUsername(@Nullable OSProfile os) {
    return os == null || os.adminUsername() == null ? "" : os.adminUsername();
  }

  static List<String> nicIds(@Nullable NetworkProfile network) {
    List<String> ids = new ArrayList<>();
    if (network == null || network.networkInterfaces() == null) {
      return ids;
    }
    for (NetworkInterfaceReference nic : network.networkInterfaces()) {
      if (nic.id() == null) {
        continue;
      }
      if (Boolean.TRUE.equals(nic.primary())) {
        ids.add(0, nic.id());
      } else {
        ids.add(nic.id());
      }
    }
    return ids;
  }
}
