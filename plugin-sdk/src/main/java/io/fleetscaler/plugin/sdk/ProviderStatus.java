package io.fleetscaler.plugin.sdk;

import io.fleetscaler.plugin.api.ProviderException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.jspecify.annotations.Nullable;

/**
 * The closed mapping between {@link ProviderException} kinds and gRPC status codes, used by both
 * ends so that the kind of a failure survives the process boundary.
 *
 * <p>Plugin side: each kind has exactly one code; any other exception becomes {@code UNKNOWN}. Host
 * side: the six codes map back to their kinds, and every other code (including {@code
 * DEADLINE_EXCEEDED}, {@code UNKNOWN} and transport failures) becomes {@link
 * ProviderException.Unavailable}, the retryable kind; {@code DEADLINE_EXCEEDED} as one whose {@link
 * ProviderException.Unavailable#deadlineExceeded()} says so.
 */
final class ProviderStatus {
  private ProviderStatus() {}

  /** The status a plugin answers for a failure thrown by its {@code InstanceGroup}. */
  static Status toStatus(RuntimeException failure) {
    if (failure instanceof ProviderException known) {
      return codeOf(known).toStatus().withDescription(known.getMessage());
    }
    // Said in words: the host shows this to operators and API clients, where a bare class name
    // ("NullPointerException: null") tells nothing.
    @Nullable String message = failure.getMessage();
    return Status.UNKNOWN.withDescription(
        "the plugin failed unexpectedly: "
            + (message == null || message.isBlank()
                ? "an internal error without a message ("
                    + failure.getClass().getSimpleName()
                    + " in the plugin)"
                : message));
  }

  /** The one status code of a kind. */
  static Status.Code codeOf(ProviderException failure) {
    return switch (failure) {
      case ProviderException.NotFound e -> Status.Code.NOT_FOUND;
      case ProviderException.Unhealthy e -> Status.Code.FAILED_PRECONDITION;
      case ProviderException.Capacity e -> Status.Code.RESOURCE_EXHAUSTED;
      case ProviderException.Unavailable e -> Status.Code.UNAVAILABLE;
      case ProviderException.InvalidConfig e -> Status.Code.INVALID_ARGUMENT;
      case ProviderException.Unsupported e -> Status.Code.UNIMPLEMENTED;
    };
  }

  /**
   * The kind a host raises for a failed call.
   *
   * @param plugin the plugin's name, for the message
   * @param method the RPC, for the message
   */
  static ProviderException fromStatus(
      StatusRuntimeException failure, String plugin, String method) {
    Status status = failure.getStatus();
    String description = status.getDescription();
    String message =
        "plugin "
            + plugin
            + " "
            + method
            + ": "
            + (description == null ? status.getCode().name() : description);
    return switch (status.getCode()) {
      case NOT_FOUND -> new ProviderException.NotFound(message);
      case FAILED_PRECONDITION -> new ProviderException.Unhealthy(message);
      case RESOURCE_EXHAUSTED -> new ProviderException.Capacity(message);
      case INVALID_ARGUMENT -> new ProviderException.InvalidConfig(message);
      case UNIMPLEMENTED -> new ProviderException.Unsupported(message);
      case DEADLINE_EXCEEDED -> ProviderException.Unavailable.deadlineExceeded(message, failure);
      default -> new ProviderException.Unavailable(message, failure);
    };
  }
}
