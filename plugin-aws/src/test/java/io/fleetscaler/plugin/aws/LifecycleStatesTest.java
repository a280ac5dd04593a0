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
    "EnteringStandby, Healthy, CREATING",
    "Standby, Healthy, CREATING",
    "Warmed:Running, Healthy, CREATING",
    "SomethingNew, Healthy, CREATING",
  })
  void mapsLifecycleAndHealth(String lifecycle, String health, InstanceState expected) {
    assertThat(LifecycleStates.map(lifecycle, health)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"Terminating, true", "Terminated, true", "Detached, true", "InService, false"})
  void leavingMeansDeletingOrDeleted(String lifecycle, boolean leaving) {
    assertThat(LifecycleStates.leaving(lifecycle)).isEqualTo(leaving);
  }
}
