package io.fleetscaler.daemon.api;

import io.fleetscaler.core.scaler.BlockingReason;
import io.fleetscaler.core.scaler.BootingInstance;
import io.fleetscaler.core.scaler.WaitReasons;
import io.fleetscaler.proto.v1.GroupBlockingReasons;
import java.time.Instant;

/** "Why is my job waiting?" as {@code fleetscaler.v1} messages. Pure functions. */
final class WaitMessages {
  private WaitMessages() {}

  static GroupBlockingReasons of(String group, WaitReasons w) {
    GroupBlockingReasons.Builder b =
        GroupBlockingReasons.newBuilder()
            .setGroup(group)
            .setAt(FleetMessages.timestamp(w.at()))
            .setPendingAcquisitions(w.pendingAcquisitions())
            .setPendingReservations(w.pendingReservations());
    for (BlockingReason r : w.reasons()) {
      io.fleetscaler.proto.v1.BlockingReason.Builder m =
          io.fleetscaler.proto.v1.BlockingReason.newBuilder()
              .setReason(r.kind().label())
              .setDetail(r.detail())
              .setCount(r.count())
              .setLimit(r.limit())
              .setError(r.error());
      Instant since = r.since();
      if (since != null) {
        m.setSince(FleetMessages.timestamp(since));
      }
      Instant until = r.until();
      if (until != null) {
        m.setUntil(FleetMessages.timestamp(until));
      }
      b.addReasons(m);
    }
    for (BootingInstance i : w.booting()) {
      io.fleetscaler.proto.v1.BootingInstance.Builder m =
          io.fleetscaler.proto.v1.BootingInstance.newBuilder()
              .setId(i.id())
              .setPhase(i.phase())
              .setSince(FleetMessages.timestamp(i.since()));
      Instant expected = i.expectedReadyAt();
      if (expected != null) {
        m.setExpectedReadyAt(FleetMessages.timestamp(expected));
      }
      b.addBooting(m);
    }
    return b.build();
  }
}
