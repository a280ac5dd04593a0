package io.fleetscaler.plugin.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.plugin.api.InstanceState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every Auto Scaling lifecycle state AWS documents, healthy and not. */
class LifecycleStatesTest {

  @ParameterizedTest(name = "{0}/{1} is {2}")
  @CsvSource({
    "Pending, Healthy, CREATING",
    "Pending:Wait, Healthy, CREATING",
    "Pending:Proceed, Healthy, CREATING",
    "Quarantined, Healthy, CREATING",
    "InService, Healthy, RUNNING",
    "InService, Unhealthy, TIMEOUT",
    "Pending, Unhealthy, TIMEOUT",
    "Terminating, Healthy, DELETING",
    "Terminating:Wait, Unhealthy, DELETING",
    "Terminating:Proceed, Healthy, DELETING",
    "Terminated, Unhealthy, DELETED",
    "Detaching, Healthy, DELETING",
    "Detached, Healthy, DELETING",
    "EnteringStandby, Healthy, SUSPENDING",
    "Standby, Healthy, SUSPENDED",
    "Standby, Unhealthy, SUSPENDED",
    "Warmed:Running, Healthy, CREATING",
    "SomethingNew, Healthy, CREATING",
  })
  void mapsLifecycleAndHealth(String lifecycle, String health, InstanceState expected) {
    assertThat(LifecycleStates.map(lifecycle, health)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "standby with EC2 {0}, resuming {1}, is {2}")
  @CsvSource({
    "STOPPED, false, SUSPENDED",
    "STOPPED, true, SUSPENDED",
    "STOPPING, false, SUSPENDING",
    "PENDING, false, RESUMING",
    "RUNNING, false, SUSPENDING",
    "RUNNING, true, RESUMING",
    "SHUTTING_DOWN, false, DELETING",
    "TERMINATED, true, DELETING",
  })
  void standbyIsDecidedByTheEc2State(
      software.amazon.awssdk.services.ec2.model.InstanceStateName ec2,
      boolean resuming,
      InstanceState expected) {
    assertThat(LifecycleStates.standby(ec2, resuming)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"Terminating, true", "Terminated, true", "Detached, true", "InService, false"})
  void leavingMeansDeletingOrDeleted(String lifecycle, boolean leaving) {
    assertThat(LifecycleStates.leaving(lifecycle)).isEqualTo(leaving);
  }
}
