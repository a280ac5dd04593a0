package io.fleetscaler.plugin.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.plugin.api.InstanceState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManagedStatesTest {

  @ParameterizedTest(name = "{0} + {1} (lastAttempt failed: {2}) -> {3}")
  @CsvSource({
    "CREATING, '', false, CREATING",
    "CREATING, PROVISIONING, false, CREATING",
    "CREATING, '', true, TIMEOUT",
    "CREATING_WITHOUT_RETRIES, '', true, TIMEOUT",
    "RECREATING, STAGING, false, CREATING",
    "VERIFYING, RUNNING, false, CREATING",
    "NONE, RUNNING, false, RUNNING",
    "NONE, STAGING, false, CREATING",
    "NONE, REPAIRING, false, CREATING",
    "DELETING, STOPPING, false, DELETING",
    "ABANDONING, RUNNING, false, DELETING",
    "SUSPENDING, SUSPENDING, false, SUSPENDING",
    "NONE, SUSPENDED, false, SUSPENDED",
    "STOPPING, STOPPING, false, SUSPENDING",
    "NONE, TERMINATED, false, SUSPENDED",
    "RESUMING, RUNNING, false, RESUMING",
    "STARTING, STAGING, false, RESUMING",
    "REFRESHING, RUNNING, false, RUNNING",
    "SOMETHING_NEW, RUNNING, false, CREATING"
  })
  void mapsActionAndStatus(String action, String status, boolean failed, InstanceState expected) {
    assertThat(ManagedStates.map(action, status, failed)).isEqualTo(expected);
  }
}
