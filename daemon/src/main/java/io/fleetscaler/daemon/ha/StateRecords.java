package io.fleetscaler.daemon.ha;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.fleetscaler.core.slots.Holding;
import io.fleetscaler.core.state.StoredInstance;
import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.ConnectorConfig;
import io.fleetscaler.plugin.api.Protocol;
import io.fleetscaler.proto.ha.v1.ExpectedCreations;
import io.fleetscaler.proto.ha.v1.HoldingRecord;
import io.fleetscaler.proto.ha.v1.InstanceRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Maps the saved state of one instance (and a group's expected creations) to etcd records. */
final class StateRecords {
  private StateRecords() {}

  /** One record per run of equal times, as the state file's {@code expect} lines. */
  static List<ExpectedCreations> toRecords(List<Instant> expected) {
    List<ExpectedCreations> out = new ArrayList<>();
    for (int i = 0; i < expected.size(); ) {
      Instant at = expected.get(i);
      int j = i + 1;
      while (j < expected.size() && expected.get(j).equals(at)) {
        j++;
      }
      out.add(
          ExpectedCreations.newBuilder()
              .setAskedAt(
                  Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
              .setCount(j - i)
              .build());
      i = j;
    }
    return out;
  }

  /**
   * The times back, one per instance.
   *
   * @throws IllegalArgumentException if a count is not positive
   */
  static List<Instant> fromRecords(List<ExpectedCreations> records) {
    List<Instant> out = new ArrayList<>();
    for (ExpectedCreations r : records) {
      if (r.getCount() < 1) {
        throw new IllegalArgumentException("expected creations: count " + r.getCount());
      }
      Instant at = Instant.ofEpochSecond(r.getAskedAt().getSeconds(), r.getAskedAt().getNanos());
      for (int n = 0; n < r.getCount(); n++) {
        out.add(at);
      }
    }
    return out;
  }

  static InstanceRecord toRecord(StoredInstance i) {
    InstanceRecord.Builder b =
        InstanceRecord.newBuilder()
            .setId(i.id())
            .setClaims(i.claims())
            .setCompletedUses(i.completedUses());
    String deletion = i.deletion();
    if (deletion != null) {
      b.setDeletion(deletion);
    }
    if (i.isStandby()) {
      // Also the marker the previous release reads: a standby of it adopts the member too.
      b.setStandby(true).setDeletion(StoredInstance.LEGACY_STANDBY);
    }
    for (Holding h : i.holdings()) {
      b.addHoldings(
          HoldingRecord.newBuilder().setKey(h.key()).setIndex(h.index()).setAcquired(h.acquired()));
    }
    ConnectInfo c = i.connectInfo();
    if (c != null) {
      b.setConnectInfo(toRecord(c));
    }
    return b.build();
  }

  static StoredInstance fromRecord(InstanceRecord r) {
    List<Holding> held = new ArrayList<>();
    for (HoldingRecord h : r.getHoldingsList()) {
      held.add(new Holding(h.getKey(), h.getIndex(), h.getAcquired()));
    }
    return new StoredInstance(
        r.getId(),
        r.getClaims(),
        r.getCompletedUses(),
        r.hasDeletion() ? r.getDeletion() : null,
        held,
        r.hasConnectInfo() ? fromRecord(r.getConnectInfo()) : null,
        r.getStandby());
  }

  private static io.fleetscaler.proto.plugin.v1.ConnectInfo toRecord(ConnectInfo c) {
    ConnectorConfig k = c.connector();
    io.fleetscaler.proto.plugin.v1.ConnectorConfig.Builder kb =
        io.fleetscaler.proto.plugin.v1.ConnectorConfig.newBuilder()
            .setOs(k.os())
            .setArch(k.arch())
            .setProtocol(k.protocol().wireName())
            .setProtocolPort(k.protocolPort())
            .setUsername(k.username())
            .setUseStaticCredentials(k.useStaticCredentials())
            .setKeepalive(duration(k.keepalive()))
            .setTimeout(duration(k.timeout()));
    String password = k.password();
    if (password != null) {
      kb.setPassword(password);
    }
    String key = k.privateKey();
    if (key != null) {
      kb.setPrivateKey(key);
    }
    io.fleetscaler.proto.plugin.v1.ConnectInfo.Builder b =
        io.fleetscaler.proto.plugin.v1.ConnectInfo.newBuilder()
            .setId(c.id())
            .setConnector(kb)
            .setInternalAddr(c.internalAddr())
            .setExternalAddr(c.externalAddr());
    Instant expires = c.expires();
    if (expires != null) {
      b.setExpires(
          Timestamp.newBuilder().setSeconds(expires.getEpochSecond()).setNanos(expires.getNano()));
    }
    return b.build();
  }

  private static ConnectInfo fromRecord(io.fleetscaler.proto.plugin.v1.ConnectInfo r) {
    io.fleetscaler.proto.plugin.v1.ConnectorConfig k = r.getConnector();
    ConnectorConfig config =
        new ConnectorConfig(
            k.getOs(),
            k.getArch(),
            Protocol.fromWireName(k.getProtocol()),
            k.getProtocolPort(),
            k.getUsername(),
            k.hasPassword() ? k.getPassword() : null,
            k.hasPrivateKey() ? k.getPrivateKey() : null,
            k.getUseStaticCredentials(),
            java.time.Duration.ofSeconds(
                k.getKeepalive().getSeconds(), k.getKeepalive().getNanos()),
            java.time.Duration.ofSeconds(k.getTimeout().getSeconds(), k.getTimeout().getNanos()));
    return new ConnectInfo(
        r.getId(),
        config,
        r.getInternalAddr(),
        r.getExternalAddr(),
        r.hasExpires()
            ? Instant.ofEpochSecond(r.getExpires().getSeconds(), r.getExpires().getNanos())
            : null);
  }

  private static Duration duration(java.time.Duration d) {
    return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }
}
