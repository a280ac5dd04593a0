package io.fleetscaler.plugin.azure;

import com.azure.core.http.rest.Response;
import com.azure.core.management.polling.PollResult;
import com.azure.core.util.Context;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineInner;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineScaleSetInner;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineScaleSetVMInner;
import com.azure.resourcemanager.compute.models.ExpandTypeForListVMs;
import com.azure.resourcemanager.compute.models.InstanceViewTypes;
import com.azure.resourcemanager.compute.models.Sku;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetUpdate;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetVMInstanceIDs;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetVMInstanceRequiredIDs;
import io.fleetscaler.plugin.api.ProviderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The ARM operations on one scale set, for either orchestration mode. Every failure leaves as a
 * {@link ProviderException} (see {@link AzureErrors}). Long-running operations are awaited for at
 * most {@link AzureTuning#operationTimeout()}; one still running after that is left to Azure, and
 * later listings show how it ends. Thread-safe.
 */
final class ScaleSet {

  private static final String VMSS_READ = "Microsoft.Compute/virtualMachineScaleSets/read";
  private static final String VMSS_WRITE = "Microsoft.Compute/virtualMachineScaleSets/write";
  private static final String VMSS_DELETE_INSTANCES =
      "Microsoft.Compute/virtualMachineScaleSets/delete/action";
  private static final String VMSS_DEALLOCATE =
      "Microsoft.Compute/virtualMachineScaleSets/deallocate/action";
  private static final String VMSS_START = "Microsoft.Compute/virtualMachineScaleSets/start/action";
  private static final String VMSS_VMS_READ =
      "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read";
  private static final String VMS_READ = "Microsoft.Compute/virtualMachines/read";

  private final AzureClients clients;
  private final AzureConfig config;
  private final AzureTuning tuning;
  private final boolean flexible;

  ScaleSet(AzureClients clients, AzureConfig config, AzureTuning tuning, boolean flexible) {
    this.clients = clients;
    this.config = config;
    this.tuning = tuning;
    this.flexible = flexible;
  }

  boolean flexible() {
    return flexible;
  }

  /** {@code VirtualMachineScaleSets_Get}. */
  static VirtualMachineScaleSetInner get(AzureClients clients, AzureConfig config) {
    return call(
        "VirtualMachineScaleSets_Get",
        VMSS_READ,
        () ->
            clients
                .compute()
                .getVirtualMachineScaleSets()
                .getByResourceGroup(config.resourceGroupName(), config.name()));
  }

  VirtualMachineScaleSetInner get() {
    return get(clients, config);
  }

  /**
   * Every VM of the scale set with its instance view: Uniform {@code
   * VirtualMachineScaleSetVMs_List} with {@code $expand=instanceView}; Flexible {@code
   * VirtualMachines_List} in the resource group filtered on {@code virtualMachineScaleSet/id}, with
   * {@code $expand=instanceView}. All pages.
   */
  List<Vm> list() {
    String group = config.resourceGroupName();
    if (flexible) {
      String filter = "'virtualMachineScaleSet/id' eq '" + config.scaleSetId() + "'";
      return call(
          "VirtualMachines_List",
          VMS_READ,
          () -> {
            List<Vm> vms = new ArrayList<>();
            for (VirtualMachineInner vm :
                clients
                    .compute()
                    .getVirtualMachines()
                    .listByResourceGroup(
                        group, filter, ExpandTypeForListVMs.INSTANCE_VIEW, Context.NONE)) {
              if (belongs(vm)) {
                vms.add(flexibleVm(vm));
              }
            }
            return vms;
          });
    }
    return call(
        "VirtualMachineScaleSetVMs_List",
        VMSS_VMS_READ,
        () -> {
          List<Vm> vms = new ArrayList<>();
          for (VirtualMachineScaleSetVMInner vm :
              clients
                  .compute()
                  .getVirtualMachineScaleSetVMs()
                  .list(group, config.name(), null, null, "instanceView", Context.NONE)) {
            vms.add(uniformVm(vm));
          }
          return vms;
        });
  }

  /**
   * One VM with its instance view ({@code VirtualMachineScaleSetVMs_Get} or {@code
   * VirtualMachines_Get}), or empty when the scale set has no such VM.
   */
  Optional<Vm> find(String id) {
    String group = config.resourceGroupName();
    try {
      if (flexible) {
        Response<VirtualMachineInner> response =
            clients
                .compute()
                .getVirtualMachines()
                .getByResourceGroupWithResponse(
                    group, id, InstanceViewTypes.INSTANCE_VIEW, Context.NONE);
        VirtualMachineInner vm = response.getValue();
        return vm != null && belongs(vm) ? Optional.of(flexibleVm(vm)) : Optional.empty();
      }
      VirtualMachineScaleSetVMInner vm =
          clients
              .compute()
              .getVirtualMachineScaleSetVMs()
              .getWithResponse(
                  group, config.name(), id, InstanceViewTypes.INSTANCE_VIEW, Context.NONE)
              .getValue();
      return vm == null ? Optional.empty() : Optional.of(uniformVm(vm));
    } catch (RuntimeException e) {
      if (AzureErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw AzureErrors.map(
          flexible ? "VirtualMachines_Get" : "VirtualMachineScaleSetVMs_Get",
          flexible ? VMS_READ : VMSS_VMS_READ,
          e);
    }
  }

  /**
   * {@code VirtualMachineScaleSets_Update} with {@code sku.capacity = capacity}, conditional on the
   * etag read just before ({@code If-Match}), so a concurrent change by anyone else fails the call
   * instead of being overwritten.
   *
   * @return whether the operation finished within the bound
   */
  boolean setCapacity(VirtualMachineScaleSetInner current, long capacity) {
    Sku sku = current.sku();
    Sku wanted =
        new Sku()
            .withName(sku == null ? null : sku.name())
            .withTier(sku == null ? null : sku.tier())
            .withCapacity(capacity);
    return await(
        "VirtualMachineScaleSets_Update",
        VMSS_WRITE,
        () ->
            clients
                .compute()
                .getVirtualMachineScaleSets()
                .beginUpdate(
                    config.resourceGroupName(),
                    config.name(),
                    new VirtualMachineScaleSetUpdate().withSku(wanted),
                    current.etag(),
                    null,
                    Context.NONE));
  }

  /** {@code VirtualMachineScaleSets_DeleteInstances} without force; also lowers the capacity. */
  boolean deleteInstances(List<String> ids) {
    return await(
        "VirtualMachineScaleSets_DeleteInstances",
        VMSS_DELETE_INSTANCES,
        () ->
            clients
                .compute()
                .getVirtualMachineScaleSets()
                .beginDeleteInstances(
                    config.resourceGroupName(),
                    config.name(),
                    new VirtualMachineScaleSetVMInstanceRequiredIDs().withInstanceIds(ids),
                    false,
                    Context.NONE));
  }

  /** {@code VirtualMachineScaleSets_Deallocate} of the named instances. */
  boolean deallocate(List<String> ids) {
    return await(
        "VirtualMachineScaleSets_Deallocate",
        VMSS_DEALLOCATE,
        () ->
            clients
                .compute()
                .getVirtualMachineScaleSets()
                .beginDeallocate(
                    config.resourceGroupName(),
                    config.name(),
                    null,
                    new VirtualMachineScaleSetVMInstanceIDs().withInstanceIds(ids),
                    Context.NONE));
  }

  /** {@code VirtualMachineScaleSets_Start} of the named instances. */
  boolean start(List<String> ids) {
    return await(
        "VirtualMachineScaleSets_Start",
        VMSS_START,
        () ->
            clients
                .compute()
                .getVirtualMachineScaleSets()
                .beginStart(
                    config.resourceGroupName(),
                    config.name(),
                    new VirtualMachineScaleSetVMInstanceIDs().withInstanceIds(ids),
                    Context.NONE));
  }

  /**
   * Starts the operation (its first request fails the call at once if Azure refuses it) and polls
   * it ({@code Azure-AsyncOperation}, else {@code Location}) for at most the bound.
   *
   * @return true when it succeeded, false when it was still running at the bound
   * @throws ProviderException when Azure refused it or it ended {@code Failed} or {@code Canceled}
   */
  private boolean await(
      String operation, String action, Supplier<? extends SyncPoller<?, ?>> begin) {
    SyncPoller<?, ?> poller = call(operation, action, begin);
    PollResponse<?> last;
    try {
      last = poller.waitForCompletion(tuning.operationTimeout());
    } catch (RuntimeException e) {
      if (causedByTimeout(e)) {
        return false;
      }
      throw AzureErrors.map(operation, action, e);
    }
    LongRunningOperationStatus status = last.getStatus();
    if (LongRunningOperationStatus.SUCCESSFULLY_COMPLETED.equals(status)) {
      return true;
    }
    if (LongRunningOperationStatus.IN_PROGRESS.equals(status)
        || LongRunningOperationStatus.NOT_STARTED.equals(status)) {
      return false;
    }
    // Failed or canceled: the last poll carries Azure's error.
    if (last.getValue() instanceof PollResult<?> result && result.getError() != null) {
      PollResult.Error error = result.getError();
      throw AzureErrors.operationFailed(
          operation, error.getMessage() + " " + String.valueOf(error.getResponseBody()));
    }
    try {
      poller.getFinalResult();
    } catch (RuntimeException e) {
      throw AzureErrors.map(operation, action, e);
    }
    throw new ProviderException.Unavailable(
        "azure "
            + operation
            + ": the operation ended "
            + status.toString().toLowerCase(Locale.ROOT));
  }

  private static boolean causedByTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  static <T> T call(String operation, String action, Supplier<T> body) {
    try {
      return body.get();
    } catch (RuntimeException e) {
      throw AzureErrors.map(operation, action, e);
    }
  }

  private boolean belongs(VirtualMachineInner vm) {
    return vm.virtualMachineScaleSet() != null
        && config.scaleSetId().equalsIgnoreCase(vm.virtualMachineScaleSet().id());
  }

  private static Vm flexibleVm(VirtualMachineInner vm) {
    @Nullable String power =
        vm.instanceView() == null ? null : Vm.powerState(vm.instanceView().statuses());
    return new Vm(
        vm.name(),
        vm.provisioningState(),
        power,
        Vm.windows(vm.storageProfile(), vm.osProfile()),
        Vm.adminUsername(vm.osProfile()),
        Vm.nicIds(vm.networkProfile()));
  }

  private static Vm uniformVm(VirtualMachineScaleSetVMInner vm) {
    @Nullable String power =
        vm.instanceView() == null ? null : Vm.powerState(vm.instanceView().statuses());
    return new Vm(
        vm.instanceId(),
        vm.provisioningState(),
        power,
        Vm.windows(vm.storageProfile(), vm.osProfile()),
        Vm.adminUsername(vm.osProfile()),
        Vm.nicIds(vm.networkProfile()));
  }
}
