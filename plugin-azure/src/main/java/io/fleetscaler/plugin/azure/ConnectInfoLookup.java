package io.fleetscaler.plugin.azure;

import com.azure.resourcemanager.network.fluent.models.NetworkInterfaceInner;
import com.azure.resourcemanager.network.fluent.models.NetworkInterfaceIpConfigurationInner;
import com.azure.resourcemanager.network.fluent.models.PublicIpAddressInner;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.ProviderException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Answers {@code ConnectInfo} for VMs of one scale set: the private address of the primary IP
 * configuration of the primary network interface, and its public IP address when it has one. The
 * credentials are the operator's {@code connector_config} (key or password): Azure has no service
 * that pushes short-lived keys to a VM, so nothing is minted here. Thread-safe.
 *
 * <p>Uniform: {@code NetworkInterfaces_ListVirtualMachineScaleSetVMNetworkInterfaces} and {@code
 * PublicIPAddresses_GetVirtualMachineScaleSetPublicIPAddress}. Flexible: the VM's own network
 * interfaces with {@code NetworkInterfaces_Get} and {@code PublicIPAddresses_Get}.
 */
final class ConnectInfoLookup {

  private static final String NIC_READ = "Microsoft.Network/networkInterfaces/read";
  private static final String PIP_READ = "Microsoft.Network/publicIPAddresses/read";

  private final AzureClients clients;
  private final AzureConfig config;
  private final ScaleSet scaleSet;
  private final ConnectorConfig connector;

  ConnectInfoLookup(
      AzureClients clients, AzureConfig config, ScaleSet scaleSet, ConnectorConfig connector) {
    this.clients = clients;
    this.config = config;
    this.scaleSet = scaleSet;
    this.connector = connector;
  }

  ConnectInfo connectInfo(String id) {
    Vm vm =
        scaleSet
            .find(id)
            .orElseThrow(
                () ->
                    new ProviderException.NotFound(
                        "no VM " + id + " in scale set " + config.name()));
    Addresses addresses = scaleSet.flexible() ? flexible(vm) : uniform(vm);
    String os = vm.windows() ? "windows" : "linux";
    String username =
        !connector.username().isEmpty()
            ? connector.username()
            : vm.adminUsername().isEmpty() ? "azureuser" : vm.adminUsername();
    ConnectorConfig completed =
        new ConnectorConfig(
            connector.os().isEmpty() ? os : connector.os(),
            connector.arch(),
            connector.protocol(),
            connector.protocolPort(),
            username,
            connector.password(),
            connector.privateKey(),
            connector.useStaticCredentials(),
            connector.keepalive(),
            connector.timeout());
    return new ConnectInfo(id, completed, addresses.internal(), addresses.external(), null);
  }

  private record Addresses(String internal, String external) {}

  private Addresses uniform(Vm vm) {
    List<NetworkInterfaceInner> nics =
        ScaleSet.call(
            "NetworkInterfaces_ListVirtualMachineScaleSetVMNetworkInterfaces",
            NIC_READ,
            () -> {
              List<NetworkInterfaceInner> all = new ArrayList<>();
              clients
                  .network()
                  .getNetworkInterfaces()
                  .listVirtualMachineScaleSetVMNetworkInterfaces(
                      config.resourceGroupName(), config.name(), vm.id())
                  .forEach(all::add);
              return all;
            });
    @Nullable NetworkInterfaceInner nic = primary(nics);
    if (nic == null) {
      return new Addresses("", "");
    }
    @Nullable NetworkInterfaceIpConfigurationInner ip = primaryIp(nic);
    if (ip == null) {
      return new Addresses("", "");
    }
    String external = "";
    if (ip.publicIpAddress() != null && ip.publicIpAddress().id() != null) {
      String pipName = ArmId.parse(ip.publicIpAddress().id()).name();
      PublicIpAddressInner pip =
          ScaleSet.call(
              "PublicIPAddresses_GetVirtualMachineScaleSetPublicIPAddress",
              PIP_READ,
              () ->
                  clients
                      .network()
                      .getPublicIpAddresses()
                      .getVirtualMachineScaleSetPublicIpAddress(
                          config.resourceGroupName(),
                          config.name(),
                          vm.id(),
                          nic.name(),
                          ip.name(),
                          pipName));
      external = orEmpty(pip.ipAddress());
    }
    return new Addresses(orEmpty(ip.privateIpAddress()), external);
  }

  private Addresses flexible(Vm vm) {
    if (vm.nicIds().isEmpty()) {
      return new Addresses("", "");
    }
    ArmId nicId = ArmId.parse(vm.nicIds().get(0));
    NetworkInterfaceInner nic =
        ScaleSet.call(
            "NetworkInterfaces_Get",
            NIC_READ,
            () ->
                clients
                    .network()
                    .getNetworkInterfaces()
                    .getByResourceGroup(nicId.resourceGroupName(), nicId.name()));
    @Nullable NetworkInterfaceIpConfigurationInner ip = primaryIp(nic);
    if (ip == null) {
      return new Addresses("", "");
    }
    String external = "";
    if (ip.publicIpAddress() != null && ip.publicIpAddress().id() != null) {
      ArmId pipId = ArmId.parse(ip.publicIpAddress().id());
      PublicIpAddressInner pip =
          ScaleSet.call(
              "PublicIPAddresses_Get",
              PIP_READ,
              () ->
                  clients
                      .network()
                      .getPublicIpAddresses()
                      .getByResourceGroup(pipId.resourceGroupName(), pipId.name()));
      external = orEmpty(pip.ipAddress());
    }
    return new Addresses(orEmpty(ip.privateIpAddress()), external);
  }

  private static @Nullable NetworkInterfaceInner primary(List<NetworkInterfaceInner> nics) {
    for (NetworkInterfaceInner nic : nics) {
      if (Boolean.TRUE.equals(nic.primary())) {
        return nic;
      }
    }
    return nics.isEmpty() ? null : nics.get(0);
  }

  private static @Nullable NetworkInterfaceIpConfigurationInner primaryIp(
      NetworkInterfaceInner nic) {
    List<NetworkInterfaceIpConfigurationInner> ips = nic.ipConfigurations();
    if (ips == null || ips.isEmpty()) {
      return null;
    }
    for (NetworkInterfaceIpConfigurationInner ip : ips) {
      if (Boolean.TRUE.equals(ip.primary())) {
        return ip;
      }
    }
    return ips.get(0);
  }

  private static String orEmpty(@Nullable String value) {
    return value == null ? "" : value;
  }
}
