package io.fleetscaler.plugin.gcp;

import com.google.cloud.compute.v1.InstanceGroupManager;
import com.google.cloud.compute.v1.ManagedInstance;
import com.google.cloud.compute.v1.Operation;
import java.util.List;

/**
 * The calls the plugin makes on one managed instance group, the same for a zonal group ({@code
 * instanceGroupManagers}) and a regional one ({@code regionInstanceGroupManagers}). Each mutating
 * call returns the Compute {@code Operation} as started; {@link #operation} reads it again while it
 * runs. Instances are named by their zone-relative URL, {@code zones/<zone>/instances/<name>}, as
 * both APIs accept them. Every method may throw gax's {@code ApiException}. Thread-safe.
 */
interface Mig {

  /** {@code get}: the group as Compute describes it. */
  InstanceGroupManager get();

  /** {@code listManagedInstances}, every page. */
  List<ManagedInstance> listManagedInstances();

  /** {@code resize?size=N}: sets the target size. Never called with a smaller size. */
  Operation resize(int size);

  /** {@code deleteInstances} with {@code skipInstancesOnValidationError}: no replacement. */
  Operation deleteInstances(List<String> instanceUrls);

  /** {@code suspendInstances}. */
  Operation suspendInstances(List<String> instanceUrls);

  /** {@code resumeInstances}. */
  Operation resumeInstances(List<String> instanceUrls);

  /** {@code stopInstances}. */
  Operation stopInstances(List<String> instanceUrls);

  /** {@code startInstances}. */
  Operation startInstances(List<String> instanceUrls);

  /**
   * {@code zoneOperations.get} or {@code regionOperations.get} of an operation this group began.
   */
  Operation operation(Operation started);
}
