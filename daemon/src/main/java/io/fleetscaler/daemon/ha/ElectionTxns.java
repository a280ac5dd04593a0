package io.fleetscaler.daemon.ha;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.fleetscaler.proto.etcd.Compare;
import io.fleetscaler.proto.etcd.DeleteRangeRequest;
import io.fleetscaler.proto.etcd.KeyValue;
import io.fleetscaler.proto.etcd.LeaseGrantRequest;
import io.fleetscaler.proto.etcd.LeaseGrantResponse;
import io.fleetscaler.proto.etcd.LeaseRevokeRequest;
import io.fleetscaler.proto.etcd.PutRequest;
import io.fleetscaler.proto.etcd.RangeRequest;
import io.fleetscaler.proto.etcd.RangeResponse;
import io.fleetscaler.proto.etcd.RequestOp;
import io.fleetscaler.proto.etcd.TxnRequest;
import io.fleetscaler.proto.etcd.TxnResponse;
import io.fleetscaler.proto.ha.v1.LeaderRecord;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The etcd requests of one election, each one round trip: grant and revoke its lease, the campaign
 * transaction (put the leader key under the lease only if the key is absent, else read it), the
 * read of the leader key, and the resignation (delete the key only if it is still this term's). The
 * election decides when to send them; nothing here keeps state.
 */
final class ElectionTxns {
  static final Duration CALL_DEADLINE = Duration.ofSeconds(2);
  private static final System.Logger LOG = System.getLogger(LeaderElection.class.getName());

  private final EtcdConnection etcd;
  private final ByteString leaderKey;
  private final ByteString record;

  ElectionTxns(EtcdConnection etcd, ByteString leaderKey, ByteString record) {
    this.etcd = etcd;
    this.leaderKey = leaderKey;
    this.record = record;
  }

  /** The leader key's value for this node: its name and API address. */
  static ByteString record(HaSettings settings) {
    return LeaderRecord.newBuilder()
        .setNode(settings.node())
        .setApiAddress(settings.apiAddress())
        .build()
        .toByteString();
  }

  /** The leader a leader key names, or null if its value is not a leader record. */
  static @Nullable Leader leaderOf(KeyValue kv) {
    try {
      LeaderRecord r = LeaderRecord.parseFrom(kv.getValue());
      return new Leader(r.getNode(), r.getApiAddress());
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  /** A lease of {@code ttl}; throws if etcd refuses one. */
  LeaseGrantResponse grant(Duration ttl) {
    LeaseGrantResponse r =
        etcd.lease(CALL_DEADLINE)
            .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(ttl.toSeconds()).build());
    if (!r.getError().isEmpty() || r.getTTL() <= 0) {
      throw new IllegalStateException("etcd refused a lease: " + r.getError());
    }
    return r;
  }

  /**
   * Creates the leader key under lease {@code lease} if no key exists; else (failed) answers the
   * key as it is in its first response's range.
   */
  TxnResponse campaign(long lease) {
    Compare absent =
        Compare.newBuilder()
            .setKey(leaderKey)
            .setTarget(Compare.CompareTarget.CREATE)
            .setResult(Compare.CompareResult.EQUAL)
            .setCreateRevision(0)
            .build();
    return etcd.kv(CALL_DEADLINE)
        .txn(
            TxnRequest.newBuilder()
                .addCompare(absent)
                .addSuccess(
                    RequestOp.newBuilder()
                        .setRequestPut(
                            PutRequest.newBuilder()
                                .setKey(leaderKey)
                                .setValue(record)
                                .setLease(lease)))
                .addFailure(
                    RequestOp.newBuilder()
                        .setRequestRange(RangeRequest.newBuilder().setKey(leaderKey)))
                .build());
  }

  /** The leader key as etcd has it now. */
  RangeResponse read() {
    return etcd.kv(CALL_DEADLINE).range(RangeRequest.newBuilder().setKey(leaderKey).build());
  }

  /**
   * Deletes the leader key if it is still the one term {@code f} of {@code node} created; a failure
   * is logged and left to the TTL.
   */
  void resign(Fence f, String node, String election) {
    try {
      send(f);
      LOG.log(System.Logger.Level.INFO, "this node ({0}) resigned election {1}", node, election);
    } catch (StatusRuntimeException e) {
      etcd.failed(e);
      LOG.log(
          System.Logger.Level.WARNING,
          "resigning election {0} failed ({1}); a standby takes over after the TTL",
          election,
          e.getStatus().getCode());
    }
  }

  private void send(Fence f) {
    var unused =
        etcd.kv(CALL_DEADLINE)
            .txn(
                TxnRequest.newBuilder()
                    .addCompare(
                        Compare.newBuilder()
                            .setKey(f.leaderKey())
                            .setTarget(Compare.CompareTarget.CREATE)
                            .setResult(Compare.CompareResult.EQUAL)
                            .setCreateRevision(f.createRevision()))
                    .addSuccess(
                        RequestOp.newBuilder()
                            .setRequestDeleteRange(
                                DeleteRangeRequest.newBuilder().setKey(f.leaderKey())))
                    .build());
  }

  /** Revokes lease {@code id} (and so deletes every key under it); a failure is left to the TTL. */
  void revokeQuietly(long id) {
    try {
      var unused =
          etcd.lease(CALL_DEADLINE).leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build());
    } catch (StatusRuntimeException e) {
      // The lease ends with its TTL anyway.
      etcd.failed(e);
    }
  }
}
