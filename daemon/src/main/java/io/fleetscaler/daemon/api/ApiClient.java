package io.fleetscaler.daemon.api;

import io.fleetscaler.proto.v1.FleetGrpc;
import io.grpc.ManagedChannel;

/**
 * A connection to a daemon's API: a channel plus stubs that present the configured credentials.
 * Thread-safe; close it when done.
 */
public interface ApiClient extends AutoCloseable {

  /**
   * Opens a channel (lazily connected) to {@code settings.address()}.
   *
   * @throws IllegalArgumentException if a TLS or token file cannot be used, naming it
   */
  static ApiClient connect(ApiClientSettings settings) {
    return GrpcApiClient.connect(settings);
  }

  /** The channel, for callers that build their own stubs (credentials are on the stubs). */
  ManagedChannel channel();

  /** A blocking stub with the credentials. */
  FleetGrpc.FleetBlockingStub blocking();

  /** An asynchronous stub with the credentials. */
  FleetGrpc.FleetStub async();

  /** Shuts the channel down. */
  @Override
  void close();
}
