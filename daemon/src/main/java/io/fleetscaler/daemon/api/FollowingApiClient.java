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
 * cannot be reached (the leader died) sends the client back to the address it was given, so the
 * caller's retry asks a node of the set who leads now instead of the dead one again.
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
            if (lost.getStatus().getCode() == Status.Code.UNAVAILABLE) {
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
