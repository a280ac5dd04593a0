package io.fleetscaler.daemon.api;

import io.fleetscaler.daemon.ha.HaApi;
import io.fleetscaler.proto.v1.FleetGrpc;
import io.fleetscaler.proto.v1.NotLeader;
import io.grpc.ConnectivityState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@link LeaderFollowingClient}: a {@link RouteTable} of where each group's calls go, and one
 * {@link ApiClient} per node address that some route points at or some call still uses. A node that
 * cannot be reached (the leader died), or whose connection never became ready within the call's
 * deadline (a process still starting, a node stopped or partitioned), sends every route pointing at
 * it back to the address the client was given, so the caller's retry asks a node of the set who
 * leads now instead of the dead one again.
 *
 * <p>One small lock guards the table and the connection map; it is never held during a call. A
 * connection is shut down gracefully (calls in flight on it finish) once no route points at it and
 * no call uses it.
 */
final class FollowingApiClient implements LeaderFollowingClient {
  private final ApiClientSettings settings;
  private final Object lock = new Object();
  private final RouteTable routes;
  private final Map<String, Connection> connections = new HashMap<>();
  private boolean closed;
  private volatile List<NotLeader> hops = List.of();

  /** A node's connection and how many calls use it now (guarded by the lock). */
  private static final class Connection {
    final String address;
    final ApiClient client;
    int calls;

    Connection(String address, ApiClient client) {
      this.address = address;
      this.client = client;
    }
  }

  FollowingApiClient(ApiClientSettings settings) {
    this.settings = settings;
    this.routes = new RouteTable(settings.address());
    // Opened at once: unusable TLS or token files fail here, naming the file.
    connections.put(
        settings.address(), new Connection(settings.address(), open(settings.address())));
  }

  @Override
  public <T> T call(Function<FleetGrpc.FleetBlockingStub, T> call) {
    return call("", call);
  }

  @Override
  public <T> T call(String group, Function<FleetGrpc.FleetBlockingStub, T> call) {
    Objects.requireNonNull(group, "group");
    List<NotLeader> seen = new ArrayList<>();
    try {
      for (int hop = 0; ; hop++) {
        Connection c = lease(group);
        try {
          return call.apply(c.client.blocking());
        } catch (StatusRuntimeException e) {
          Optional<NotLeader> detail = HaApi.notLeader(e);
          if (detail.isEmpty()) {
            StatusRuntimeException lost = connectionLost(e, c.client);
            if (nodeGone(lost.getStatus().getCode(), c.client)) {
              gone(c.address);
            }
            throw lost;
          }
          seen.add(detail.get());
          learn(group, c.address, detail.get());
          if (detail.get().getLeaderApiAddress().isEmpty() || hop >= MAX_HOPS) {
            throw e;
          }
        } finally {
          release(c);
        }
      }
    } finally {
      hops = List.copyOf(seen);
    }
  }

  /**
   * Whether a failure without a {@code NotLeader} detail means the node called may be gone, so the
   * retry should ask the first node who leads now. {@code UNAVAILABLE}: it refused or dropped the
   * connection, or stopped answering the connection's keep-alive pings (a node stopped or cut off
   * under an established connection). {@code DEADLINE_EXCEEDED} on a connection that never became
   * ready: the node accepted the TCP connection but never spoke HTTP/2, which is what a process
   * still starting, or a stopped or partitioned node met on a new connection, looks like (the
   * kernel completes the handshake for it); without moving, every retry would wait out its deadline
   * there. A deadline that passes on a ready connection is a live node that did not answer in time
   * (an acquisition waiting for a slot until the caller's deadline): the client stays.
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

  /** The connection to the node {@code group}'s calls go to now, counted as in use. */
  private Connection lease(String group) {
    synchronized (lock) {
      if (closed) {
        throw Status.CANCELLED.withDescription("the client is closed").asRuntimeException();
      }
      String address = routes.addressOf(group);
      Connection c = connections.get(address);
      if (c == null) {
        c = new Connection(address, open(address));
        connections.put(address, c);
      }
      c.calls++;
      return c;
    }
  }

  private void release(Connection c) {
    synchronized (lock) {
      c.calls--;
      prune();
    }
  }

  private void learn(String group, String from, NotLeader detail) {
    synchronized (lock) {
      routes.learn(group, from, detail);
      prune();
    }
  }

  private void gone(String address) {
    synchronized (lock) {
      routes.gone(address);
      prune();
    }
  }

  /** Shuts down, gracefully, every connection that no route points at and no call uses. */
  private void prune() {
    if (closed) {
      return;
    }
    Set<String> used = routes.addresses();
    for (Iterator<Connection> i = connections.values().iterator(); i.hasNext(); ) {
      Connection c = i.next();
      if (c.calls == 0 && !used.contains(c.address)) {
        i.remove();
        c.client.channel().shutdown();
      }
    }
  }

  private ApiClient open(String address) {
    return ApiClient.connect(
        new ApiClientSettings(
            address,
            settings.tls(),
            settings.caFile(),
            settings.certFile(),
            settings.keyFile(),
            settings.tokenFile()));
  }

  /** How many connections the client holds open now (for tests: none may leak). */
  int openConnections() {
    synchronized (lock) {
      return connections.size();
    }
  }

  @Override
  public String address() {
    return address("");
  }

  @Override
  public String address(String group) {
    synchronized (lock) {
      return routes.addressOf(group);
    }
  }

  @Override
  public List<NotLeader> lastHops() {
    return hops;
  }

  @Override
  public void close() {
    List<Connection> all;
    synchronized (lock) {
      closed = true;
      all = List.copyOf(connections.values());
      connections.clear();
    }
    for (Connection c : all) {
      c.client.close();
    }
  }
}
