package io.fleetscaler.plugin.gcp;

import com.google.cloud.compute.v1.DeleteInstancesInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.GetInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.InstanceGroupManager;
import com.google.cloud.compute.v1.InstanceGroupManagersClient;
import com.google.cloud.compute.v1.InstanceGroupManagersDeleteInstancesRequest;
import com.google.cloud.compute.v1.InstanceGroupManagersResumeInstancesRequest;
import com.google.cloud.compute.v1.InstanceGroupManagersStartInstancesRequest;
import com.google.cloud.compute.v1.InstanceGroupManagersStopInstancesRequest;
import com.google.cloud.compute.v1.InstanceGroupManagersSuspendInstancesRequest;
import com.google.cloud.compute.v1.ListManagedInstancesInstanceGroupManagersRequest;
import com.google.cloud.compute.v1.ManagedInstance;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.ResizeInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.ResumeInstancesInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.StartInstancesInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.StopInstancesInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.SuspendInstancesInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.ZoneOperationsClient;
import java.util.ArrayList;
import java.util.List;

/** A zonal group: {@code instanceGroupManagers} and {@code zoneOperations}. */
final class ZonalMig implements Mig {
  private final InstanceGroupManagersClient client;
  private final ZoneOperationsClient operations;
  private final String project;
  private final String zone;
  private final String name;
  private final int pageSize;

  ZonalMig(
      InstanceGroupManagersClient client,
      ZoneOperationsClient operations,
      String project,
      String zone,
      String name,
      int pageSize) {
    this.client = client;
    this.operations = operations;
    this.project = project;
    this.zone = zone;
    this.name = name;
    this.pageSize = pageSize;
  }

  @Override
  public InstanceGroupManager get() {
    return client
        .getCallable()
        .call(
            GetInstanceGroupManagerRequest.newBuilder()
                .setProject(project)
                .setZone(zone)
                .setInstanceGroupManager(name)
                .build());
  }

  @Override
  public List<ManagedInstance> listManagedInstances() {
    List<ManagedInstance> all = new ArrayList<>();
    client
        .listManagedInstances(
            ListManagedInstancesInstanceGroupManagersRequest.newBuilder()
                .setProject(project)
                .setZone(zone)
                .setInstanceGroupManager(name)
                .setMaxResults(pageSize)
                .build())
        .iterateAll()
        .forEach(all::add);
    return all;
  }

  @Override
  public Operation resize(int size) {
    return client
        .resizeCallable()
        .call(
            ResizeInstanceGroupManagerRequest.newBuilder()
                .setProject(project)
                .setZone(zone)
                .setInstanceGroupManager(name)
                .setSize(size)
                .build());
  }

  @Override
  public Operation deleteInstances(List<String> instanceUrls) {
    return client
        .deleteInstancesCallable()
        .call(
            DeleteInstancesInstanceGroupManagerRequest.newBuilder()
                .setProject(project)
                .setZone(zone)
                .setInstanceGroupManager(name)
                .setInstanceGroupManagersDeleteInstancesRequestResource(
                    InstanceGroupManagersDeleteInstancesRequest.newBuilder()
                        .addAllInstances(instanceUrls)
                        .setSkipInstancesOnValidationError(true))
                .build());
  }

  @Override
  public Operation suspendInstances(List<String> instanceUrls) {
    return client
        .suspendInstancesCallable()
        .call(
            SuspendInstancesInstanceGroupManagerRequest.newBuilder()
                .setProject(project)
                .setZone(zone)
                .setInstanceGroupManager(name)
                .setInstanceGroupManagersSuspendInstancesRequestResource(
                    InstanceGroupManagersSuspendInstancesRequest.newBuilder()
                        .addAllInstances(instanceUrls))
                .build());
  }

  @Override
  public Operation resumeInstances(List<String> instanceUrls) {
    return client
        .resumeInstancesCallable()
        .call(
            ResumeInstancesInstanceGroupManagerRequest.newBuilder()
                .setProject(project)
                .setZone(zone)
                .setInstanceGroupManager(name)
                .setInstanceGroupManagersResumeInstancesRequestResource(
                    InstanceGroupManagersResumeInstancesRequest.newBuilder()
                        .addAllInstances(instanceUrls))
                .build());
  }

  @Override
  public Operation stopInstances(List<String> instanceUrls) {
    return client
        .stopInstancesCallable()
        .call(
            StopInstancesInstanceGroupManagerRequest.newBuilder()
                .setProject(project)
                .setZone(zone)
                .setInstanceGroupManager(name)
                .setInstanceGroupManagersStopInstancesRequestResource(
                    InstanceGroupManagersStopInstancesRequest.newBuilder()
                        .addAllInstances(instanceUrls))
                .build());
  }

  @Override
  public Operation startInstances(List<String> instanceUrls) {
    return client
        .startInstancesCallable()
        .call(
            StartInstancesInstanceGroupManagerRequest.newBuilder()
                .setProject(project)
                .setZone(zone)
                .setInstanceGroupManager(name)
                .setInstanceGroupManagersStartInstancesRequestResource(
                    InstanceGroupManagersStartInstancesRequest.newBuilder()
                        .addAllInstances(instanceUrls))
                .build());
  }

  @Override
  public Operation operation(Operation started) {
    return operations.get(project, zone, started.getName());
  }
}
