package io.fleetscaler.daemon.ha;

import com.google.protobuf.ByteString;
import io.fleetscaler.proto.etcd.Event;
import io.fleetscaler.proto.etcd.KeyValue;
import io.fleetscaler.proto.etcd.WatchCreateRequest;
import io.fleetscaler.proto.etcd.WatchRequest;
import io.fleetscaler.proto.etcd.WatchResponse;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.jspecify.annotations.Nullable;

/**
 * An etcd watch on the leader key, so that the election acts the moment the key changes instead of
 * at its next poll: a standby campaigns as soon as the key is deleted (the leader's lease expired
 * or it resigned), a leader checks its term as soon as its key is gone. The poll stays as the
 * safety net for a watch that is broken or not yet open.
 *
 * <p>Nothing here decides leadership: an event only wakes the election thread, which reads etcd and
 * campaigns with the same fenced transaction as before. So a lost, late or duplicated event costs
 * at most one poll interval, never safety.
 *
 * <p>No event is missed between a read and the watch: when the watch reports itself created, the
 * election is woken to read the key again, and every change after the creation is an event.
 *
 * <p>Thread-safety: {@link #ensureOpen} and {@link #close} run under {@code this}; gRPC's callbacks
 * take it only to forget a broken stream.
 */
final class LeaderWatch {
  /** What the watch tells the election. Called on gRPC threads; must not block. */
  interface Events {
    /** The watch is in place: read the key once more, then rely on events. */
    void opened();

    /**
     * The key changed at {@code revision}: {@code now} is its new value, null when it was deleted.
     */
    void changed(@Nullable KeyValue now, long revision);
  }

  private final EtcdConnection etcd;
  private final ByteString key;
  private final Events events;
  private @Nullable StreamObserver<WatchRequest> stream;
  private @Nullable Answers answers;
  private boolean closed;

  LeaderWatch(EtcdConnection etcd, ByteString key, Events events) {
    this.etcd = etcd;
    this.key = key;
    this.events = events;
  }

  /**
   * Opens the watch unless it is open. Throws if etcd cannot be reached (the stream is dropped).
   */
  synchronized void ensureOpen() {
    if (closed || stream != null) {
      return;
    }
    Answers a = new Answers();
    answers = a;
    StreamObserver<WatchRequest> s = etcd.watchStream().watch(a);
    stream = s;
    try {
      s.onNext(
          WatchRequest.newBuilder()
              .setCreateRequest(WatchCreateRequest.newBuilder().setKey(key))
              .build());
    } catch (StatusRuntimeException | IllegalStateException e) {
      stream = null;
      answers = null;
      throw e;
    }
  }

  /** Whether a watch stream is open (or opening). */
  synchronized boolean open() {
    return stream != null;
  }

  /** Closes the watch for good. */
  synchronized void close() {
    closed = true;
    StreamObserver<WatchRequest> s = stream;
    stream = null;
    answers = null;
    if (s != null) {
      try {
        s.onCompleted();
      } catch (RuntimeException e) {
        // Already broken: nothing to close.
      }
    }
  }

  @SuppressWarnings("ReferenceEquality") // identity: this stream's answers, not an equal one
  private synchronized void forget(Answers broken) {
    if (answers == broken) {
      stream = null; // reopened at the election's next step
      answers = null;
    }
  }

  /** One stream's answers. */
  private final class Answers implements StreamObserver<WatchResponse> {
    @Override
    public void onNext(WatchResponse r) {
      if (r.getCanceled()) {
        // Compacted away, or refused (permissions): poll until the next step reopens it.
        forget(this);
        return;
      }
      if (r.getCreated()) {
        events.opened();
      }
      if (r.getEventsCount() > 0) {
        Event last = r.getEvents(r.getEventsCount() - 1);
        KeyValue kv = last.getKv();
        events.changed(
            last.getType() == Event.EventType.DELETE ? null : kv,
            kv.getModRevision() > 0 ? kv.getModRevision() : r.getHeader().getRevision());
      }
    }

    @Override
    public void onError(Throwable t) {
      forget(this);
      if (t instanceof StatusRuntimeException e) {
        etcd.failed(e);
      }
    }

    @Override
    public void onCompleted() {
      forget(this);
    }
  }
}
