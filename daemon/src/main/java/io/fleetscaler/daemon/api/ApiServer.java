package io.fleetscaler.daemon.api;

import io.fleetscaler.core.scaler.TaskScaler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The running gRPC API, {@code fleetscaler.v1.Fleet}, over the daemon's groups. Thread-safe.
 *
 * <p>Started with {@link #start}; {@link #close()} ends every watch, stops taking calls, and waits
 * briefly for calls under way before the scalers are shut down by their owner.
 */
public interface ApiServer extends AutoCloseable {

  /**
   * Binds and starts serving {@code groups}.
   *
   * @param settings where to listen and how to authenticate callers
   * @param groups the scalers by group name, in configuration order (the order of GetFleet); at
   *     least one. An empty group in a request means the only one when there is exactly one.
   * @throws IllegalArgumentException listing every problem of {@code settings} (see {@link
   *     ApiServerSettings#problems()}), or naming a credentials file that cannot be used
   * @throws IllegalStateException if the address cannot be bound, naming it
   */
  static ApiServer start(ApiServerSettings settings, Map<String, TaskScaler> groups) {
    return start(settings, groups, Map.of());
  }

  /**
   * Binds and starts serving {@code groups}, as {@link #start(ApiServerSettings, Map)}; an Acquire
   * that gives neither a timeout nor a deadline waits for its group's entry in {@code
   * acquireTimeouts} ({@code instance_acquire_timeout}), and a deadline is capped by it.
   */
  static ApiServer start(
      ApiServerSettings settings,
      Map<String, TaskScaler> groups,
      Map<String, Duration> acquireTimeouts) {
    return GrpcApiServer.start(settings, groups, acquireTimeouts, null);
  }

  /**
   * Binds and starts serving {@code groups}, as {@link #start(ApiServerSettings, Map, Map)}, every
   * call passing {@code gate} first (after authentication): under high availability, the standby
   * gate that answers {@code UNAVAILABLE} with the leader's address while this node does not lead.
   */
  static ApiServer start(
      ApiServerSettings settings,
      Map<String, TaskScaler> groups,
      Map<String, Duration> acquireTimeouts,
      ServerInterceptor gate) {
    return GrpcApiServer.start(settings, groups, acquireTimeouts, gate);
  }

  /**
   * Binds and starts serving {@code groups}, as {@link #start(ApiServerSettings, Map, Map)}, a call
   * about a group that {@code routes} says is served elsewhere answered with where (a sharded
   * high-availability set, which routes per group instead of gating every call).
   */
  static ApiServer start(
      ApiServerSettings settings,
      Map<String, TaskScaler> groups,
      Map<String, Duration> acquireTimeouts,
      GroupRoutes routes) {
    return GrpcApiServer.start(settings, groups, acquireTimeouts, null, routes);
  }

  /**
   * Everything {@link #start} would refuse in {@code settings} short of binding the address: the
   * settings' own {@link ApiServerSettings#problems() problems}, a token file that cannot be read,
   * is empty or is open to others, and TLS material that cannot be used (a certificate or key that
   * is not PEM, a key open to others, a client CA that is not a certificate). Starts nothing.
   *
   * @return one line per problem; empty when the API can start
   */
  static List<String> check(ApiServerSettings settings) {
    return GrpcApiServer.check(settings);
  }

  /** The bound address (with the chosen port when 0 was asked for). */
  InetSocketAddress address();

  /** Stops serving. Idempotent. */
  @Override
  void close();
}
