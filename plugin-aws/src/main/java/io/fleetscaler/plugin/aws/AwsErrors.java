package io.fleetscaler.plugin.aws;

import io.fleetscaler.plugin.api.ProviderException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Maps AWS SDK failures to the SPI's sealed categories. The AWS error code decides when there is
 * one; otherwise the HTTP status; failures without a response (network, timeouts) are {@link
 * ProviderException.Unavailable}, except a missing region or missing credentials, which only the
 * operator can fix; so is an {@link UncheckedIOException}, which the URL-connection transport lets
 * escape the SDK when a connection breaks mid-request. An unknown error code with a 4xx status is
 * also Unavailable, so that an error AWS adds later is retried and logged rather than stopping the
 * scaler for good.
 */
final class AwsErrors {

  private static final Set<String> THROTTLING =
      Set.of(
          "Throttling",
          "ThrottlingException",
          "ThrottledException",
          "RequestLimitExceeded",
          "RequestThrottled",
          "RequestThrottledException",
          "TooManyRequestsException",
          "SlowDown",
          "PriorRequestNotComplete",
          "EC2ThrottledException");

  private static final Set<String> CAPACITY =
      Set.of(
          "InsufficientInstanceCapacity",
          "InsufficientCapacity",
          "InsufficientHostCapacity",
          "InsufficientReservedInstanceCapacity",
          "InstanceLimitExceeded",
          "VcpuLimitExceeded",
          "LimitExceeded",
          "LimitExceededException",
          "ServiceQuotaExceededException",
          "MaxSpotInstanceCountExceeded");

  private static final Set<String> INVALID_CONFIG =
      Set.of(
          "AccessDenied",
          "AccessDeniedException",
          "UnauthorizedOperation",
          "AuthFailure",
          "InvalidClientTokenId",
          "SignatureDoesNotMatch",
          "IncompleteSignature",
          "ExpiredToken",
          "ExpiredTokenException",
          "UnrecognizedClientException",
          "MissingAuthenticationToken",
          "OptInRequired",
          "ValidationError",
          "ValidationException",
          "InvalidParameter",
          "InvalidParameterValue",
          "InvalidParameterCombination",
          "MissingParameter",
          "InvalidAction",
          // StopInstances with Hibernate=true on an instance that cannot hibernate.
          "UnsupportedHibernationConfiguration",
          "UnsupportedOperation");

  private AwsErrors() {}

  /**
   * The category of {@code failure}, with a message naming the operation and AWS's code.
   *
   * @param operation the AWS operation, e.g. {@code SetDesiredCapacity}
   */
  static ProviderException map(String operation, RuntimeException failure) {
    if (failure instanceof UncheckedIOException io) {
      // The URL-connection transport throws this, unwrapped by the SDK, when the connection
      // breaks while the request body is being written: the endpoint is down or cut us off.
      @Nullable Throwable cause = io.getCause();
      String detail = String.valueOf(cause == null ? io.getMessage() : cause.getMessage());
      return new ProviderException.Unavailable(
          "aws " + operation + ": I/O error: " + detail, failure);
    }
    if (failure instanceof AwsServiceException service) {
      @Nullable String code = code(service);
      String message = describe(operation, service);
      if (service.isThrottlingException() || (code != null && THROTTLING.contains(code))) {
        return new ProviderException.Unavailable(message + " (throttled; retry later)", failure);
      }
      if (code != null && CAPACITY.contains(code)) {
        return new ProviderException.Capacity(message, failure);
      }
      if ((code != null && INVALID_CONFIG.contains(code))
          || service.statusCode() == 401
          || service.statusCode() == 403) {
        return new ProviderException.InvalidConfig(
            message + " (check the plugin's credentials, IAM policy and plugin_config)", failure);
      }
      // 5xx, and codes such as ResourceContention or ScalingActivityInProgress: transient.
      return new ProviderException.Unavailable(message, failure);
    }
    String text = String.valueOf(failure.getMessage());
    String lower = text.toLowerCase(Locale.ROOT);
    if (failure instanceof SdkClientException
        && (lower.contains("unable to load credentials")
            || lower.contains("unable to load region")
            || lower.contains("no credentials")
            || lower.contains("profile file contained no credentials"))) {
      return new ProviderException.InvalidConfig(
          "aws " + operation + ": " + text + " (configure credentials and region)", failure);
    }
    return new ProviderException.Unavailable("aws " + operation + ": " + text, failure);
  }

  /**
   * Whether AWS certainly did not act on the request that failed: it answered with an error that
   * rejects the request before any change (throttling, validation, auth). A 5xx, a timeout or a
   * lost connection leave the outcome unknown.
   */
  static boolean certainlyNotApplied(RuntimeException failure) {
    if (!(failure instanceof AwsServiceException service)) {
      return false;
    }
    return service.statusCode() >= 400 && service.statusCode() < 500;
  }

  /** Whether the failure is AWS throttling the caller. */
  static boolean isThrottling(RuntimeException failure) {
    if (!(failure instanceof AwsServiceException service)) {
      return false;
    }
    @Nullable String code = code(service);
    return service.isThrottlingException() || (code != null && THROTTLING.contains(code));
  }

  /** The AWS error code, e.g. {@code ValidationError}, or null when the response had none. */
  static @Nullable String code(AwsServiceException service) {
    if (service.awsErrorDetails() == null) {
      return null;
    }
    return service.awsErrorDetails().errorCode();
  }

  private static String describe(String operation, AwsServiceException service) {
    @Nullable String code = code(service);
    String detail =
        service.awsErrorDetails() != null && service.awsErrorDetails().errorMessage() != null
            ? service.awsErrorDetails().errorMessage()
            : String.valueOf(service.getMessage());
    return "aws "
        + operation
        + ": "
        + (code == null ? "HTTP " + service.statusCode() : code)
        + ": "
        + detail;
  }
}
