package io.fleetscaler.plugin.gcp;

import com.google.cloud.compute.v1.DeleteInstancesRegionInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.GetRegionInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.InstanceGroupManager;
import com.google.cloud.compute.v1.ListManagedInstancesRegionInstanceGroupManagersRequest;
import com.google.cloud.compute.v1.ManagedInstance;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersClient;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersDeleteInstancesRequest;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersResumeInstancesRequest;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersStartInstancesRequest;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersStopInstancesRequest;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersSuspendInstancesRequest;
import com.google.cloud.compute.v1.RegionOperationsClient;
import com.google.cloud.compute.v1.ResizeRegionInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.ResumeInstancesRegionInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.StartInstancesRegionInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.StopInstancesRegionInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.SuspendInstancesRegionInstanceGroupManagerRequest;
import java.util.ArrayList;
import java.util.List;

/** A regional group: {@code regionInstanceGroupManagers} and {@code regionOperations}. */
final class RegionalMig implements Mig {
  private final RegionInstanceGroupManagersClient client;
  private final RegionOperationsClient operations;
  private final String project;
  private final String region;
  private final String name;
  private final int pageSize;

  RegionalMig(
      RegionInstanceGroupManagersClient client,
      RegionOperationsClient operations,
      String project,
      String region,
      String name,
      int pageSize) {
    this.client = client;
    this.operations = operations;
    this.project = project;
    this.region = region;
    this.name = name;
    this.pageSize = pageSize;
  }

  @Override
  public InstanceGroupManager get() {
    return client
        .getCallable()
        .call(
            GetRegionInstanceGroupManagerRequest.newBuilder()
                .setProject(project)
                .setRegion(region)
                .setInstanceGroupManager(name)
                .build());
  }

  @Override
  public List<ManagedInstance> listManagedInstances() {
    List<ManagedInstance> all = new ArrayList<>();
    client
        .listManagedInstances(
            ListManagedInstancesRegionInstanceGroupManagersRequest.newBuilder()
                .setProject(project)
                .setRegion(region)
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
            ResizeRegionInstanceGroupManagerRequest.newBuilder()
                .setProject(project)
                .setRegion(region)
                .setInstanceGroupManager(name)
                .setSize(size)
                .build());
  }

  @Override
  public Operation deleteInstances(List<String> instanceUrls) {
    return client
        .deleteInstancesCallable()
        .call(
            DeleteInstancesRegionInstanceGroupManagerRequest.newBuilder()
                .setProject(project)
                .setRegion(region)
                .setInstanceGroupManager(name)
                .setRegionInstanceGroupManagersDeleteInstancesRequestResource(
                    RegionInstanceGroupManagersDeleteInstancesRequest.newBuilder()
                        .addAllInstances(instanceUrls)
                        .setSkipInstancesOnValidationError(true))
                .build());
  }

  @Override
  public Operation suspendInstances(List<String> instanceUrls) {
    return client
        .suspendInstancesCallable()
        .call(
            SuspendInstancesRegionInstanceGroupManagerRequest.newBuilder()
                .setProject(project)
                .setRegion(region)
                .setInstanceGroupManager(name)
                .setRegionInstanceGroupManagersSuspendInstancesRequestResource(
                    RegionInstanceGroupManagersSuspendInstancesRequest.newBuilder()
                        .addAllInstances(instanceUrls))
                .build());
  }

  @Override
  public Operation resumeInstances(List<String> instanceUrls) {
    return client
        .resumeInstancesCallable()
        .call(
            ResumeInstancesRegionInstanceGroupManagerRequest.newBuilder()
                .setProject(project)
                .setRegion(region)
                .setInstanceGroupManager(name)
                .setRegionInstanceGroupManagersResumeInstancesRequestResource(
                    RegionInstanceGroupManagersResumeInstancesRequest.newBuilder()
                        .addAllInstances(instanceUrls))
                .build());
  }

  @Override
  public Operation stopInstances(List<String> instanceUrls) {
    return client
        .stopInstancesCallable()
        .call(
            StopInstancesRegionInstanceGroupManagerRequest.newBuilder()
                .setProject(project)
                .setRegion(region)
                .setInstanceGroupManager(name)
                .setRegionInstanceGroupManagersStopInstancesRequestResource(
                    RegionInstanceGroupManagersStopInstancesRequest.newBuilder()
                        .addAllInstances(instanceUrls))
                .build());
  }

  @Override
  public Operation startInstances(List<String> instanceUrls) {
    return client
        .startInstancesCallable()
        .call(
            StartInstancesRegionInstanceGroupManagerRequest.newBuilder()
                .setProject(project)
                .setRegion(region)
                .setInstanceGroupManager(name)
                .setRegionInstanceGroupManagersStartInstancesRequestResource(
                    RegionInstanceGroupManagersStartInstancesRequest.newBuilder()
                        .addAllInstances(instanceUrls))
                .build());
  }

  @Override
  public Operation operation(Operation started) {
    return operations.get(project, region, started.getName());
  }
}
