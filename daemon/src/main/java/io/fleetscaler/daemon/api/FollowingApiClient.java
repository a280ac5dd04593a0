package io.fleetscaler.daemon.api;

import io.fleetscaler.daemon.ha.HaApi;
import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.NotLeader;
import io.grpc.ConnectivityState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@link LeaderFollowingClient}: one {@link ApiClient} at a time, swapped on a hop. A node that
 * cannot be reached (the leader died), or whose connection never became ready within the call's
 * deadline (a process still starting, a node stopped or partitioned), sends the client back to the
 * address it was given, so the caller's retry asks a node of the set who leads now instead of the
 * dead one again.
 */
final class FollowingApiClient implements LeaderFollowingClient {
  private final ApiClientSettings settings;
  private ApiClient client;
  private List<NotLeader> hops = List.of();

  FollowingApiClient(ApiClientSettings settings) {
    this.settings = settings;
    this.client = ApiClient.connect(settings);
  }

  @Override
  public <T> T call(Function<FleetGrpc.FleetBlockingStub, T> call) {
    List<NotLeader> seen = new ArrayList<>();
    try {
      for (int hop = 0; ; hop++) {
        ApiClient c;
        synchronized (this) {
          c = client;
        }
        try {
          return call.apply(c.blocking());
        } catch (StatusRuntimeException e) {
          Optional<NotLeader> detail = HaApi.notLeader(e);
          if (detail.isEmpty()) {
            StatusRuntimeException lost = connectionLost(e, c);
            if (nodeGone(lost.getStatus().getCode(), c)) {
              moveTo(c, settings.address());
            }
            throw lost;
          }
          seen.add(detail.get());
          String leader = detail.get().getLeaderApiAddress();
          if (leader.isEmpty() || hop >= MAX_HOPS) {
            throw e;
          }
          moveTo(c, leader);
        }
      }
    } finally {
      synchronized (this) {
        hops = List.copyOf(seen);
      }
    }
  }

  /**
   * Whether a failure without a {@code NotLeader} detail means the node called may be gone, so the
   * retry should ask the first node who leads now. {@code UNAVAILABLE}: it refused or dropped the
   * connection. {@code DEADLINE_EXCEEDED} on a connection that never became ready: the node
   * accepted the TCP connection but never spoke HTTP/2, which is what a process still starting, or
   * a stopped or partitioned node met on a new connection, looks like (the kernel completes the
   * handshake for it); without moving, every retry would wait out its deadline there. A deadline
   * that passes on a ready connection is a live node that did not answer in time (an acquisition
   * waiting for a slot until the caller's deadline): the client stays. A node stopped under an
   * established connection is left to that connection's failure.
   */
  private static boolean nodeGone(Status.Code code, ApiClient c) {
    return code == Status.Code.UNAVAILABLE
        || (code == Status.Code.DEADLINE_EXCEEDED
            && c.channel().getState(false) != ConnectivityState.READY);
  }

  /**
   * A call whose connection broke under it (the node died mid-call) fails in grpc-java as {@code
   * UNKNOWN} "channel closed" with the I/O error as cause: for a client of a set that means "this
   * node is gone, retry", which is what {@code UNAVAILABLE} says. Any other failure is kept.
   */
  private static StatusRuntimeException connectionLost(StatusRuntimeException e, ApiClient c) {
    if (e.getStatus().getCode() == Status.Code.UNKNOWN
        && e.getStatus().getCause() instanceof IOException) {
      return Status.UNAVAILABLE
          .withDescription(
              "the connection to "
                  + c.channel().authority()
                  + " broke during the call ("
                  + e.getStatus().getDescription()
                  + "); retry")
          .withCause(e)
          .asRuntimeException();
    }
    return e;
  }

  /** Points this client at {@code address}, unless another thread moved it already. */
  @SuppressWarnings("ReferenceEquality") // identity: the connection this thread used
  private synchronized void moveTo(ApiClient from, String address) {
    if (client != from || from.channel().authority().equals(address)) {
      return;
    }
    ApiClient next =
        ApiClient.connect(
            new ApiClientSettings(
                address,
                settings.tls(),
                settings.caFile(),
                settings.certFile(),
                settings.keyFile(),
                settings.tokenFile()));
    client = next;
    // Graceful: calls other threads still have on it finish.
    from.channel().shutdown();
  }

  @Override
  public synchronized String address() {
    return client.channel().authority();
  }

  @Override
  public synchronized List<NotLeader> lastHops() {
    return hops;
  }

  @Override
  public synchronized void close() {
    client.close();
  }
}
