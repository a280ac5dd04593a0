package io.fleetscaler.daemon.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.core.state.StoredInstance;
import io.fleetscaler.proto.ha.v1.InstanceRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A standby member in etcd: its own field, and the marker the previous release reads. */
class StateRecordsStandbyTest {

  @Test
  void aMemberIsWrittenWithItsFieldAndTheOldMarker() {
    InstanceRecord r = StateRecords.toRecord(StoredInstance.standbyMember("i-1", null));
    assertThat(r.getStandby()).isTrue();
    assertThat(r.getDeletion())
        .as("what a previous release adopts as a member")
        .isEqualTo("standby");
    assertThat(StateRecords.fromRecord(r).isStandby()).isTrue();
  }

  @Test
  void aRecordOfThePreviousReleaseIsAMemberAndOthersAreNot() {
    InstanceRecord old = InstanceRecord.newBuilder().setId("i-2").setDeletion("standby").build();
    assertThat(StateRecords.fromRecord(old).isStandby()).isTrue();
    InstanceRecord deleting =
        InstanceRecord.newBuilder().setId("i-3").setDeletion("idle_time").build();
    assertThat(StateRecords.fromRecord(deleting).isStandby()).isFalse();
    InstanceRecord plain = StateRecords.toRecord(new StoredInstance("i-4", 1, 1, null, List.of()));
    assertThat(plain.getStandby()).isFalse();
    assertThat(plain.hasDeletion()).isFalse();
  }
}
