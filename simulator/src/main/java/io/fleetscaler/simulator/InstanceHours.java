package io.fleetscaler.simulator;

/**
 * Instance time by what the instances were doing, in hours; the parts add up to the total.
 *
 * @param total from the cloud accepting the request until the cloud finished deleting
 * @param busy in service with at least one job running
 * @param idle in service with no job (including drained instances waiting for deletion)
 * @param booting requested and not yet in service (creating in the cloud, or running but not yet
 *     seen by the scaler's next update)
 * @param deleting being deleted, or failed to boot and waiting for deletion
 * @param suspended suspended in the standby pool: not in {@code total}, billed for storage only
 * @param costEquivalent what the run costs in running instance-hours: {@code total} plus {@code
 *     suspended} at the scenario's {@link Scenario#standbyCost()}
 */
public record InstanceHours(
    double total,
    double busy,
    double idle,
    double booting,
    double deleting,
    double suspended,
    double costEquivalent) {

  /** Hours of a run without suspended instances. */
  public InstanceHours(double total, double busy, double idle, double booting, double deleting) {
    this(total, busy, idle, booting, deleting, 0, total);
  }
}
