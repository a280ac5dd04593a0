package io.fleetscaler.daemon.api;

import io.fleetscaler.daemon.ha.HaApi;
import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.NotLeader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@link LeaderFollowingClient}: one {@link ApiClient} at a time, swapped on a hop. A node that
 * cannot be reached (the leader died) or does not answer within the call's deadline (stopped,
 * partitioned, still starting) sends the client back to the address it was given, so the caller's
 * retry asks a node of the set who leads now instead of the dead one again.
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
            if (nodeGone(lost.getStatus().getCode())) {
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
   * connection. {@code DEADLINE_EXCEEDED}: it accepted the connection but never answered, which is
   * what a leader stopped by SIGSTOP or a partition, or a node whose process is still starting,
   * looks like (the kernel completes the TCP handshake for it); without moving, every retry would
   * wait out its deadline there until that node came back. A healthy leader rarely lets a client's
   * deadline pass (the server caps an acquisition's wait below it); when it does, the cost of
   * moving is one hop back to it through the first node.
   */
  private static boolean nodeGone(Status.Code code) {
    return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
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
