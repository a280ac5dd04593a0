package io.fleetscaler.daemon.ha;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.fleetscaler.core.state.StateStore;
import io.fleetscaler.core.state.StoredInstance;
import io.fleetscaler.core.state.StoredState;
import io.fleetscaler.proto.etcd.Compare;
import io.fleetscaler.proto.etcd.DeleteRangeRequest;
import io.fleetscaler.proto.etcd.KeyValue;
import io.fleetscaler.proto.etcd.PutRequest;
import io.fleetscaler.proto.etcd.RangeRequest;
import io.fleetscaler.proto.etcd.RangeResponse;
import io.fleetscaler.proto.etcd.RequestOp;
import io.fleetscaler.proto.etcd.TxnRequest;
import io.fleetscaler.proto.etcd.TxnResponse;
import io.fleetscaler.proto.ha.v1.GroupRecord;
import io.fleetscaler.proto.ha.v1.InstanceRecord;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The {@link StateStore} of one group in etcd, every write fenced on the leader's term.
 *
 * <h2>Keys</h2>
 *
 * Under {@code <key_prefix>/state/<12 hex of SHA-256 of the group id>/}: {@code group} holds a
 * {@code GroupRecord} (the group id, checked on load, the capacity, and the creations asked for and
 * not listed yet, so a new leader adopts what an increase whose answer was lost brings), and {@code
 * i/<url-encoded instance id>} one {@code InstanceRecord} per instance. One key per instance keeps
 * a save after an acquisition to the one instance that changed (and clear of etcd's 1.5 MiB request
 * limit however large the fleet), where a whole-state value would rewrite the fleet each time.
 *
 * <h2>Writes</h2>
 *
 * {@link #save} compares the snapshot with what this store last committed and sends only the keys
 * that differ, in one transaction guarded by {@code create_revision(leader key) == fence}: it
 * commits only while the term that took the fence lasts. A write of a deposed leader therefore
 * fails in etcd, whatever its clock says; it throws {@link FencedWriteException} and commits
 * nothing. The group-commit writer in core calls {@code save} once per batch of changes and
 * completes the batch's durable waiters only after it returns, so an acquisition is handed out only
 * after etcd committed it, as with the file. etcd refuses transactions of more than 128 operations
 * by default; a larger change (the first save of a large fleet) is sent as several fenced
 * transactions, each of whole instance records, group record first. After a failed or unanswered
 * write this store re-reads what etcd holds before the next one.
 *
 * <p>Not thread-safe: one writer at a time, as the contract says.
 */
final class EtcdStateStore implements StateStore {
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(5);
  private static final int MAX_OPS = 100;

  private final EtcdConnection etcd;
  private final String groupId;
  private final String base;
  private final ByteString groupKey;
  private final Supplier<@Nullable Fence> fence;
  private final Runnable fenced;
  // What etcd holds under base as far as this store knows; null when unknown.
  private @Nullable Map<ByteString, ByteString> committed;

  /**
   * @param fence the current term's fence, null while this node does not lead
   * @param fenced told of every write refused because the term ended
   */
  EtcdStateStore(
      EtcdConnection etcd,
      String statePrefix,
      String groupId,
      Supplier<@Nullable Fence> fence,
      Runnable fenced) {
    if (groupId.isEmpty()) {
      throw new IllegalArgumentException("groupId is empty");
    }
    this.etcd = etcd;
    this.groupId = groupId;
    this.base = statePrefix + hash(groupId) + "/";
    this.groupKey = ByteString.copyFromUtf8(base + "group");
    this.fence = fence;
    this.fenced = fenced;
  }

  private static String hash(String groupId) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256").digest(groupId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public Path file() {
    return Path.of("etcd:" + base);
  }

  @Override
  public Optional<StoredState> load() throws IOException {
    Map<ByteString, ByteString> now = read();
    committed = now;
    ByteString group = now.get(groupKey);
    if (group == null) {
      return Optional.empty();
    }
    try {
      GroupRecord g = GroupRecord.parseFrom(group);
      if (!g.getGroupId().equals(groupId)) {
        throw new IOException(file() + ": belongs to group " + g.getGroupId() + ", not " + groupId);
      }
      List<StoredInstance> instances = new ArrayList<>();
      for (Map.Entry<ByteString, ByteString> e : now.entrySet()) {
        if (!e.getKey().equals(groupKey)) {
          instances.add(StateRecords.fromRecord(InstanceRecord.parseFrom(e.getValue())));
        }
      }
      return Optional.of(
          new StoredState(
              groupId,
              g.getCapacityPerInstance(),
              instances,
              StateRecords.fromRecords(g.getExpectedCreationsList())));
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new IOException(file() + ": malformed record: " + e.getMessage(), e);
    }
  }

  private Map<ByteString, ByteString> read() throws IOException {
    ByteString start = ByteString.copyFromUtf8(base);
    try {
      RangeResponse r =
          etcd.kv(CALL_DEADLINE)
              .range(RangeRequest.newBuilder().setKey(start).setRangeEnd(prefixEnd(start)).build());
      Map<ByteString, ByteString> out = new HashMap<>();
      for (KeyValue kv : r.getKvsList()) {
        out.put(kv.getKey(), kv.getValue());
      }
      return out;
    } catch (StatusRuntimeException e) {
      etcd.failed(e);
      throw new IOException(
          "reading state from etcd at " + etcd.endpoint() + " failed: " + e.getStatus(), e);
    }
  }

  private static ByteString prefixEnd(ByteString prefix) {
    byte[] end = prefix.toByteArray();
    end[end.length - 1]++; // prefixes end in '/', never 0xff
    return ByteString.copyFrom(end);
  }

  @Override
  public void save(StoredState state) throws IOException {
    if (!state.groupId().equals(groupId)) {
      throw new IllegalArgumentException(
          "state of group " + state.groupId() + " given to the store of " + groupId);
    }
    Fence f = fence.get();
    if (f == null) {
      fenced.run();
      throw new FencedWriteException("this node does not lead: state of " + groupId + " not saved");
    }
    Map<ByteString, ByteString> next = new HashMap<>();
    next.put(
        groupKey,
        GroupRecord.newBuilder()
            .setGroupId(groupId)
            .setCapacityPerInstance(state.capacityPerInstance())
            .addAllExpectedCreations(StateRecords.toRecords(state.expectedCreations()))
            .build()
            .toByteString());
    for (StoredInstance i : state.instances()) {
      next.put(instanceKey(i.id()), StateRecords.toRecord(i).toByteString());
    }
    Map<ByteString, ByteString> before = committed;
    if (before == null) {
      before = read();
    }
    List<RequestOp> ops = diff(before, next);
    try {
      for (int from = 0; from < ops.size(); from += MAX_OPS) {
        commit(f, ops.subList(from, Math.min(ops.size(), from + MAX_OPS)));
      }
    } catch (IOException | RuntimeException e) {
      committed = null; // partly written or unknown: read before the next write
      throw e;
    }
    committed = next;
  }

  private ByteString instanceKey(String id) {
    return ByteString.copyFromUtf8(base + "i/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
  }

  private List<RequestOp> diff(
      Map<ByteString, ByteString> before, Map<ByteString, ByteString> next) {
    List<RequestOp> ops = new ArrayList<>();
    ByteString group = next.get(groupKey);
    if (group != null && !group.equals(before.get(groupKey))) {
      ops.add(put(groupKey, group));
    }
    for (Map.Entry<ByteString, ByteString> e : next.entrySet()) {
      if (!e.getKey().equals(groupKey) && !e.getValue().equals(before.get(e.getKey()))) {
        ops.add(put(e.getKey(), e.getValue()));
      }
    }
    for (ByteString key : before.keySet()) {
      if (!next.containsKey(key)) {
        ops.add(
            RequestOp.newBuilder()
                .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(key))
                .build());
      }
    }
    return ops;
  }

  private static RequestOp put(ByteString key, ByteString value) {
    return RequestOp.newBuilder()
        .setRequestPut(PutRequest.newBuilder().setKey(key).setValue(value))
        .build();
  }

  private void commit(Fence f, List<RequestOp> ops) throws IOException {
    TxnResponse r;
    try {
      r =
          etcd.kv(CALL_DEADLINE)
              .txn(
                  TxnRequest.newBuilder()
                      .addCompare(
                          Compare.newBuilder()
                              .setKey(f.leaderKey())
                              .setTarget(Compare.CompareTarget.CREATE)
                              .setResult(Compare.CompareResult.EQUAL)
                              .setCreateRevision(f.createRevision()))
                      .addAllSuccess(ops)
                      .build());
    } catch (StatusRuntimeException e) {
      etcd.failed(e);
      throw new IOException(
          "writing state to etcd at " + etcd.endpoint() + " failed: " + e.getStatus(), e);
    }
    if (!r.getSucceeded()) {
      fenced.run();
      throw new FencedWriteException(
          "the leadership term of revision "
              + f.createRevision()
              + " has ended: state of "
              + groupId
              + " not saved");
    }
  }

  @Override
  public String toString() {
    return "StateStore[" + file() + "]";
  }
}
