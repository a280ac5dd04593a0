package io.fleetscaler.daemon;

import io.fleetscaler.core.policy.Policy;
import io.fleetscaler.core.scaler.Acquisition;
import io.fleetscaler.core.scaler.NotServedException;
import io.fleetscaler.core.scaler.ReserveResult;
import io.fleetscaler.core.scaler.ScalerSnapshot;
import io.fleetscaler.core.scaler.TaskScaler;
import io.fleetscaler.core.scaler.WaitReasons;
import io.fleetscaler.core.slots.SlotCounts;
import io.grpc.Status;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One group's scaler as the API and reloads see it under high availability: the scaler of this
 * node's current leadership term, or none while it stands by. The API's standby gate turns calls
 * away before they get here while no term serves; a call that slips in as a term ends is answered
 * {@code UNAVAILABLE} (retry), never served by a stopped scaler.
 *
 * <p>Policies reloaded while standing by are kept and given to the next term's scaler.
 */
final class TermScaler implements TaskScaler {
  private final String group;
  private volatile @Nullable TaskScaler current;
  private volatile List<Policy> policies;
  private final Instant created = Instant.now();

  TermScaler(String group, List<Policy> policies) {
    this.group = group;
    this.policies = List.copyOf(policies);
  }

  /** Serves {@code scaler} from now on (with the latest reloaded policies), or none. */
  void serve(@Nullable TaskScaler scaler) {
    if (scaler != null) {
      scaler.configure(policies);
    }
    current = scaler;
  }

  /** The scaler of the current term, if any. */
  @Nullable TaskScaler current() {
    return current;
  }

  /** Whether {@code s} is the scaler of the term that serves now (each term builds its own). */
  @SuppressWarnings("ReferenceEquality") // identity: the same term, not an equal scaler
  private boolean serves(TaskScaler s) {
    return current == s;
  }

  private TaskScaler scaler() {
    TaskScaler s = current;
    if (s == null) {
      throw Status.UNAVAILABLE
          .withDescription("group " + group + ": this node does not lead now; retry")
          .asRuntimeException();
    }
    return s;
  }

  @Override
  public ReserveResult reserve(String key) {
    return scaler().reserve(key);
  }

  @Override
  public boolean unreserve(String key) {
    return scaler().unreserve(key);
  }

  @Override
  public CompletableFuture<Acquisition> acquire(String key, Duration timeout) {
    TaskScaler s = current;
    if (s == null) {
      return CompletableFuture.failedFuture(
          new NotServedException("group " + group + ": this node does not lead now"));
    }
    CompletableFuture<Acquisition> inner = s.acquire(key, timeout);
    CompletableFuture<Acquisition> outer = new CompletableFuture<>();
    var unused =
        inner.whenComplete(
            (a, error) -> {
              if (error == null) {
                if (!outer.complete(a)) {
                  s.release(key); // the caller gave up meanwhile
                }
              } else if (!serves(s) && !(error instanceof CancellationException)) {
                // The term ended under a waiting acquisition (its scaler shut down): the next
                // leader serves it, so the caller is told to retry rather than "no capacity".
                outer.completeExceptionally(
                    new NotServedException(
                        "group "
                            + group
                            + ": this node stopped leading while the acquisition"
                            + " waited",
                        error));
              } else {
                outer.completeExceptionally(error);
              }
            });
    // A caller that gives up gives up the wait too.
    var unused2 =
        outer.whenComplete(
            (a, error) -> {
              if (outer.isCancelled()) {
                inner.cancel(false);
              }
            });
    return outer;
  }

  @Override
  public boolean release(String key) {
    return scaler().release(key);
  }

  @Override
  public void configure(List<Policy> value) {
    policies = List.copyOf(value);
    TaskScaler s = current;
    if (s != null) {
      s.configure(value);
    }
  }

  @Override
  public ScalerSnapshot snapshot() {
    TaskScaler s = current;
    if (s != null) {
      return s.snapshot();
    }
    List<Policy> p = policies;
    return new ScalerSnapshot(
        List.of(),
        0,
        Map.of(),
        new SlotCounts(0, 0, 0, 0, 0, 0),
        0,
        0,
        p.isEmpty() ? Policy.of(0) : p.get(p.size() - 1),
        List.of());
  }

  @Override
  public WaitReasons waitReasons() {
    TaskScaler s = current;
    if (s != null) {
      return s.waitReasons();
    }
    // Standing by: nothing of this node holds a job back (the API's gate names the leader).
    return new WaitReasons(Instant.now(), 0, 0, List.of(), List.of());
  }

  @Override
  public MeterBinder metrics() {
    // Each term binds its own scaler's meters (and removes them when it ends).
    return registry -> {};
  }

  @Override
  public void tick() {
    TaskScaler s = current;
    if (s != null) {
      s.tick();
    }
  }

  @Override
  public Instant nextTickAt() {
    TaskScaler s = current;
    return s != null ? s.nextTickAt() : created;
  }

  @Override
  public Instant lastSuccessfulUpdate() {
    TaskScaler s = current;
    return s != null ? s.lastSuccessfulUpdate() : created;
  }

  @Override
  public void shutdown() {
    // The term owns its scaler and stops it; the API closing must not.
  }
}
