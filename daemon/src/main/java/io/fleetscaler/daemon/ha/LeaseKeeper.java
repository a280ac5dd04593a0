package io.fleetscaler.daemon.ha;

import io.fleetscaler.proto.etcd.LeaseKeepAliveRequest;
import io.fleetscaler.proto.etcd.LeaseKeepAliveResponse;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the election's lease alive: a keep-alive request on one {@code LeaseKeepAlive} stream every
 * interval (a third of the TTL), each answer renewing the {@link LeaseValidity} from the moment its
 * request was sent. etcd answers a stream's requests in order, so the send times wait in a queue of
 * that stream and each answer takes the oldest; an answer arriving on a stream already replaced is
 * ignored (taking a newer stream's send time would overstate the lease). A broken stream is
 * reopened at the next tick; until then the validity simply runs down. An answer with TTL 0 means
 * etcd has no such lease any more.
 *
 * <p>Thread-safety: everything runs under {@code this}, from the keeper's own scheduler thread and
 * gRPC's callback threads.
 */
final class LeaseKeeper {
  /** Who keeps the lease: told when it is gone and how long each renewal took. */
  interface Owner {
    /** etcd says the lease no longer exists. Called on a gRPC thread. */
    void leaseExpired();

    /** A keep-alive was answered after {@code latency}. */
    void renewLatency(Duration latency);
  }

  private final EtcdConnection etcd;
  private final LeaseValidity validity;
  private final Owner election;
  private final ScheduledExecutorService ticker;
  private final ScheduledFuture<?> ticking;

  private long id;
  private @Nullable StreamObserver<LeaseKeepAliveRequest> stream;
  private @Nullable Answers answers;
  private volatile long lastAnsweredSentAt;

  LeaseKeeper(EtcdConnection etcd, LeaseValidity validity, Duration interval, Owner election) {
    this.etcd = etcd;
    this.validity = validity;
    this.election = election;
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("fleetscaler-ha-keepalive").unstarted(r));
    long every = Math.max(1, interval.toMillis());
    ticking = ticker.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
  }

  /** Starts keeping lease {@code leaseId}, granted by a request sent at {@code grantSentAt}. */
  synchronized void keep(long leaseId, long grantSentAt) {
    closeStream();
    id = leaseId;
    lastAnsweredSentAt = grantSentAt;
  }

  /** Stops keeping the current lease (it is left to expire or revoked by the caller). */
  synchronized void stop() {
    id = 0;
    closeStream();
  }

  /** Nanoseconds since the request of the last answered renewal (or the grant) was sent. */
  long sinceLastAnswer() {
    return validity.now() - lastAnsweredSentAt;
  }

  /** Stops for good. */
  void close() {
    stop();
    ticking.cancel(false);
    ticker.shutdownNow();
  }

  private synchronized void closeStream() {
    StreamObserver<LeaseKeepAliveRequest> s = stream;
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

  private synchronized void tick() {
    if (id == 0) {
      return;
    }
    try {
      StreamObserver<LeaseKeepAliveRequest> s = stream;
      Answers a = answers;
      if (s == null || a == null) {
        a = new Answers(id);
        s = etcd.leaseStream().leaseKeepAlive(a);
        stream = s;
        answers = a;
      }
      a.sent.addLast(validity.now());
      s.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
    } catch (StatusRuntimeException e) {
      etcd.failed(e);
      closeStream();
    } catch (RuntimeException e) {
      closeStream();
    }
  }

  /** One stream's answers; its own queue of send times, so no answer takes another's. */
  private final class Answers implements StreamObserver<LeaseKeepAliveResponse> {
    private final long leaseId;
    private final ArrayDeque<Long> sent = new ArrayDeque<>();

    Answers(long leaseId) {
      this.leaseId = leaseId;
    }

    @Override
    public void onNext(LeaseKeepAliveResponse r) {
      long sentAt;
      synchronized (LeaseKeeper.this) {
        if (answers != this || leaseId != id) {
          return; // an answer on a stream or for a lease we no longer keep
        }
        Long s = sent.pollFirst();
        if (s == null) {
          return;
        }
        sentAt = s;
        if (r.getTTL() > 0) {
          validity.renewed(sentAt, r.getTTL());
          lastAnsweredSentAt = sentAt;
        }
      }
      if (r.getTTL() <= 0) {
        election.leaseExpired();
      } else {
        election.renewLatency(Duration.ofNanos(validity.now() - sentAt));
      }
    }

    @Override
    public void onError(Throwable t) {
      synchronized (LeaseKeeper.this) {
        if (answers == this) {
          stream = null;
          answers = null;
        }
      }
      if (t instanceof StatusRuntimeException e) {
        etcd.failed(e);
      }
    }

    @Override
    public void onCompleted() {
      onError(new IllegalStateException("etcd closed the keep-alive stream"));
    }
  }
}
