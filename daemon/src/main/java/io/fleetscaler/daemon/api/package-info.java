/**
 * The daemon's gRPC API for runner managers, {@code fleetscaler.v1.Fleet}: the server (Netty,
 * loopback by default, TLS with client certificates or a bearer token when exposed), the mapping of
 * the task scaler's results to a closed set of status codes with typed details, the fleet watch,
 * and the client end used by {@code fleetscaler status}. Protobuf types stop here: the scalers
 * behind the API are plain {@link io.fleetscaler.core.scaler.TaskScaler}s.
 */
@NullMarked
package io.fleetscaler.daemon.api;

import org.jspecify.annotations.NullMarked;
